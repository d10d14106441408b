package bot

import "errors"

// ErrPermanent is matched (errors.Is) by an adapter's Run error when
// running the adapter again cannot help — a rejected token, a refused
// Discord intent — as opposed to a network that is down for a moment.
// The service then stops that platform instead of starting it again.
var ErrPermanent = errors.New("running again cannot help")

// Permanent marks err as one that running again cannot cure (see
// ErrPermanent), keeping its message and its own chain.
func Permanent(err error) error {
	if err == nil {
		return nil
	}
	return permanentError{err}
}

type permanentError struct{ err error }

func (e permanentError) Error() string        { return e.err.Error() }
func (e permanentError) Unwrap() error        { return e.err }
func (e permanentError) Is(target error) bool { return target == ErrPermanent }

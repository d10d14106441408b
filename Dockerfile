# storybot: a static binary on a distroless, non-root base.
#   docker build -t storybot \
#     --build-arg VERSION=$(git describe --tags --always --dirty) --build-arg COMMIT=$(git rev-parse HEAD) .
#   docker run --rm -e SLACK_BOT_TOKEN -e SLACK_APP_TOKEN \
#     -v "$PWD/stories:/stories" -v storybot-data:/data -p 8080:8080 storybot
# Stories are read from /stories (watched for changes); the SQLite database
# lives in /data. Secrets come from the environment or *_FILE paths
# (Docker secrets: -e SLACK_BOT_TOKEN_FILE=/run/secrets/slack_bot_token).

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
# `storybot version` prints these; what is left empty falls back to what Go
# records (the module version, the VCS revision when .git was copied in).
# DATE defaults to now: the time of this build, not of the commit.
ARG VERSION=
ARG COMMIT=
ARG DATE=
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION} -X main.commit=${COMMIT} -X main.date=${DATE:-$(date -u +%Y-%m-%dT%H:%M:%SZ)}" \
      -o /out/storybot ./cmd/storybot

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/storybot /usr/local/bin/storybot
ENV STORYBOT_STORIES=/stories \
    STORYBOT_DB=/data/storybot.db \
    STORYBOT_HTTP_ADDR=0.0.0.0:8080
VOLUME ["/stories", "/data"]
EXPOSE 8080
USER nonroot:nonroot
HEALTHCHECK NONE
ENTRYPOINT ["/usr/local/bin/storybot"]
CMD ["serve"]

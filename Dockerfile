# storybot: a static binary on a distroless, non-root base.
#   docker build -t storybot .
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
ARG VERSION=dev
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath \
      -ldflags "-s -w -X main.version=${VERSION}" \
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

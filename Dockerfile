# syntax=docker/dockerfile:1
# stakemap as a small container: a static binary (no cgo; Graphviz runs as
# WebAssembly inside it) on a distroless base, run as a non-root user.
#
#   docker build -t stakemap .
#   docker compose up        # with Neo4j, see docker-compose.yml

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath -ldflags "-s -w" -o /out/stakemap ./cmd/stakemap \
 && mkdir -p /out/data/tmp

FROM gcr.io/distroless/static-debian12:nonroot
# /data holds the token file (and the embedded database when Neo4j is not
# used); TMPDIR holds the compiled Graphviz module cache. Both belong to the
# nonroot user (uid 65532), so a named volume mounted on /data is writable.
COPY --from=build --chown=65532:65532 /out/data /data
COPY --from=build /out/stakemap /usr/local/bin/stakemap
WORKDIR /data
ENV TMPDIR=/data/tmp \
    STAKEMAP_DB=/data/stakemap.db \
    STAKEMAP_TOKENS=/data/stakemap.tokens
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/stakemap"]
CMD ["serve", "--addr", "0.0.0.0:8080"]

# syntax=docker/dockerfile:1
# The lineage service. Build: docker build -t lineage .  (docker-compose.yml
# builds it and wires it to Neo4j.)
#
# The build stage's RUN lines are the commands CI runs: .ci/neo4j.sh takes
# this stage's ENV CGO_ENABLED=... line and every "RUN go ..." and
# "RUN mkdir ..." line of this stage (up to the next FROM) and runs them
# verbatim in the repository root, so the two cannot drift apart.

FROM golang:1.26 AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-buildvcs=false
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN mkdir -p /tmp/lineage-build
RUN go build -trimpath -o /tmp/lineage-build/lineage ./cmd/lineage

FROM debian:bookworm-slim
# curl serves the HEALTHCHECK; ca-certificates lets the service reach
# neo4j+s:// and Jira over TLS.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app lineage
WORKDIR /app
COPY --from=build /tmp/lineage-build/lineage /usr/local/bin/lineage
RUN mkdir -p /app/data && chown lineage /app/data
USER lineage
# The sample warehouse is built into the binary and loaded on first start
# into an empty store (LINEAGE_NO_SAMPLE=true turns that off).
ENV LINEAGE_ADDR=:8080 \
    LINEAGE_GRAPH=sqlite:/app/data/lineage.db
EXPOSE 8080
VOLUME ["/app/data"]
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=5 \
  CMD curl -fsS http://127.0.0.1:8080/healthz || exit 1
ENTRYPOINT ["lineage"]
CMD ["serve"]

# commsgate container image: a static Go binary on a distroless base.
#
#   docker build -t commsgate:dev .
#   docker run --rm commsgate:dev --help
#
# The final image holds the binary, CA certificates and /etc/passwd from
# distroless (no shell, no package manager) and runs as uid 65532. Time
# zones are compiled into the binary (time/tzdata), so scheduled
# publication works without the system zoneinfo.

ARG GO_VERSION=1.26

# Build on the builder's own platform and cross-compile: the binary is pure
# Go, so a multi-arch image (docker buildx --platform linux/amd64,linux/arm64)
# needs no emulation.
FROM --platform=$BUILDPLATFORM golang:${GO_VERSION} AS build
WORKDIR /src
# The golang images set GOTOOLCHAIN=local; auto lets an image older than
# go.mod's `go` line fetch the toolchain go.mod asks for instead of failing.
ENV CGO_ENABLED=0 GOFLAGS=-mod=readonly GOTOOLCHAIN=auto

# Modules first, so a source change reuses this step and the module cache
# instead of downloading everything again.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod \
    go mod download

COPY . .
ARG TARGETOS=linux
ARG TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags "-s -w" -o /out/commsgate ./cmd/commsgate

FROM gcr.io/distroless/static-debian12:nonroot
LABEL org.opencontainers.image.title="commsgate" \
      org.opencontainers.image.description="GitHub App gating a community's sensitive communications" \
      org.opencontainers.image.source="https://github.com/commsgate/commsgate"
COPY --from=build /out/commsgate /commsgate
# Numeric, not "nonroot": Kubernetes' runAsNonRoot can only verify a
# numeric user and refuses to start a container whose user is a name.
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/commsgate"]
CMD ["serve"]

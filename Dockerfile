# syntax=docker/dockerfile:1.7
# BarberPro backend image: the one ECS Fargate runs (infra/) and the one to run anywhere else.
#   docker build -t barberpro .
#   docker run --read-only --tmpfs /tmp -v barberpro-data:/data -p 3000:3000 barberpro
# Same Node line as development and CI (Debian/glibc: @node-rs/argon2 ships glibc binaries).
ARG NODE_IMAGE=node:20.20.2-bookworm-slim

# --- Full dependency tree, for the build ---------------------------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund

# --- Build: the TypeScript compile is the gate (a type error fails the image) ----------------
FROM deps AS build
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
RUN npm run build

# --- Production dependencies only ----------------------------------------------------------
FROM ${NODE_IMAGE} AS prod-deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- Runtime ---------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data \
    TMPDIR=/tmp \
    NODE_EXTRA_CA_CERTS=/etc/ssl/certs/rds-global-bundle.pem
WORKDIR /app
# RDS presents certificates from its own CA; with it trusted, sslmode=verify-full works.
ADD --chmod=644 https://truststore.pki.rds.amazonaws.com/global/global-bundle.pem /etc/ssl/certs/rds-global-bundle.pem
COPY --from=prod-deps /app/node_modules ./node_modules
COPY package.json ./
# bin/barberpro.mjs runs src through tsx (a production dependency); the migrations are read
# from src/platform/db/migrations at start, so the sources ship, the compiled dist does not.
COPY --from=build /app/bin ./bin
COPY --from=build /app/src ./src
COPY scripts ./scripts
COPY --chmod=755 infra/docker/entrypoint.sh /usr/local/bin/barberpro-entrypoint
# Everything the process writes goes to DATA_DIR (embedded database, outbox files) or /tmp
# (tsx's transform cache), so the root filesystem can be mounted read-only.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
USER node
EXPOSE 3000
HEALTHCHECK --interval=15s --timeout=5s --start-period=120s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["/usr/local/bin/barberpro-entrypoint"]
CMD ["node", "bin/barberpro.mjs", "serve"]

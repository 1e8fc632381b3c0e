# syntax=docker/dockerfile:1
# Remnafleet: a thin wrapper around `npm ci && npm run build && node dist/main.js` (what .ci/run checks).
# Build:  docker build -t remnafleet .        Run: see docker-compose.yml and the README.

ARG NODE_VERSION=20

# ---- build: the compiled JavaScript and the production dependencies
FROM node:${NODE_VERSION}-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
# the shops' Mini App (Vite + Preact), built into dist/miniapp by npm run build
COPY web ./web
RUN npm run build && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: node, the PostgreSQL client programs (backups), the app; runs as the unprivileged `node` user
FROM node:${NODE_VERSION}-bookworm-slim AS runtime
# pg_dump must be the PostgreSQL server's major version or newer (docker-compose.yml runs 17)
ARG PG_MAJOR=17
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates curl \
 && install -d /usr/share/postgresql-common/pgdg \
 && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc https://www.postgresql.org/media/keys/ACCC4CF8.asc \
 && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
      > /etc/apt/sources.list.d/pgdg.list \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client-${PG_MAJOR} \
 && apt-get purge -y curl && apt-get autoremove -y && rm -rf /var/lib/apt/lists/*

ENV NODE_ENV=production \
    DATA_DIR=/data \
    HTTP_HOST=0.0.0.0 \
    HTTP_PORT=3000
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
# read at run time next to dist/: migrations/ (applied at start) and locales/
COPY migrations ./migrations
COPY locales ./locales
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 3000
# /health answers 503 while the database is unreachable
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# The CLI in the container: node dist/cli.js <command> (migrate, db:create-service-role, backup...)
CMD ["node", "--enable-source-maps", "dist/main.js"]

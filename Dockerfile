# casework: one image for the HTTP API (default CMD), the Temporal worker
# (`node dist/worker/main.js`) and the one-shot jobs (`node dist/db/migrate-cli.js`,
# `node dist/scripts/temporal-setup.js`). Compiled JavaScript only: no tsx at run time.
# See docker-compose.yml for a full deployment.
# Node 24, the Active LTS (Node 22 is in maintenance until April 2027; Node 20 reached end
# of life in April 2026). package.json "engines" (>=20.19) is what the code runs on, not
# what this image should use.
ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------
# Build stage: full dependency tree (TypeScript etc.) and `tsc` output in dist/.
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app

# CASEWORK_SKIP_BINARIES=1: our postinstall would otherwise download the Temporal
# dev server / test server, which containers never use.
# SCARF_ANALYTICS=false: opt out of the install-time telemetry of @scarf/scarf
# (the npm in this image ignores package.json "allowScripts").
ENV CASEWORK_SKIP_BINARIES=1 \
    CASEWORK_SKIP_BROWSER=1 \
    CASEWORK_SKIP_SCHEMATHESIS=1 \
    SCARF_ANALYTICS=false

# The root postinstall runs scripts/install-temporal-binaries.js,
# scripts/install-browser.js and scripts/install-schemathesis.js, so they must exist
# before `npm ci` (all exit at once because of the env above).
COPY package.json package-lock.json ./
COPY scripts/install-temporal-binaries.js scripts/install-browser.js scripts/install-schemathesis.js scripts/
RUN npm ci --no-audit --no-fund

COPY . .
# npm run build: tsc, then the workflow bundles the worker loads as is
# (dist/workflow-bundle.js; -traced.js when tracing is on; no webpack at run time) and the SQL migrations. The checks
# fail the build early if an entry point is missing.
RUN npm run build \
 && test -f dist/workflow-bundle.js \
 && test -f dist/workflow-bundle-traced.js \
 && test -f dist/api/main.js \
 && test -f dist/worker/main.js \
 && test -f dist/db/migrate-cli.js \
 && test -f dist/scripts/kpi-refresh.js \
 && test -f dist/workflows/index.js \
 && test -f dist/db/migrations/meta/_journal.json \
 && test -f dist/api/pages/dashboard/assets/dashboard.js

# ---------------------------------------------------------------------------
# Runtime stage: production dependencies + compiled JavaScript only.
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
WORKDIR /app

ENV NODE_ENV=production \
    CASEWORK_SKIP_BINARIES=1 \
    CASEWORK_SKIP_BROWSER=1 \
    CASEWORK_SKIP_SCHEMATHESIS=1 \
    SCARF_ANALYTICS=false \
    PORT=3000

COPY package.json package-lock.json ./
COPY scripts/install-temporal-binaries.js scripts/install-browser.js scripts/install-schemathesis.js scripts/
RUN npm ci --omit=dev --no-audit --no-fund \
 && npm cache clean --force

# Files stay owned by root (read-only for the app); the process runs as `node`.
COPY --from=build /app/dist ./dist

USER node
EXPOSE 3000

# The API's (default CMD): /health answers 503 while Temporal or PostgreSQL is unreachable.
# docker-compose.yml gives each service its own: the worker runs dist/worker/healthCheck.js
# (WORKER_HEALTH_FILE says whether it polls), the one-shot jobs none.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"

CMD ["node", "dist/api/main.js"]

# council-assistant as a container: compiled JavaScript, production dependencies only, run as an
# unprivileged user, with the SQLite database (and anything else it writes) on a volume at
# /app/var. Build:  docker build -t council-assistant .
# Run:    docker run -p 3978:3978 -v council-var:/app/var council-assistant
# (see README, "Production", for settings, PostgreSQL and Redis).

ARG NODE_IMAGE=node:20-bookworm-slim

# --- build: every dependency, compile to dist/, train the intent model once -------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
# better-sqlite3 is compiled from source where no prebuilt binary fits the platform.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY bot ./bot
COPY dialogs ./dialogs
COPY intents ./intents
COPY adapters ./adapters
COPY services ./services
COPY store ./store
COPY web ./web
RUN npm run build
# Trained here, not at each container's first start (about a minute of CPU). A council whose
# data folder adds its own intents/ lines changes the fingerprint, and the model is retrained
# at start into the same (writable) place.
RUN node dist/intents/cli.js train --model /app/model/intent-model.json

# --- deps: production dependencies only (no TypeScript, tsx, test tools) ----------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

# --- runtime -----------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    PORT=3978 \
    HOST=0.0.0.0 \
    STORAGE_URL=sqlite:/app/var/assistant.db \
    INTENT_MODEL_PATH=/app/model/intent-model.json \
    COUNCIL_DATA_DIR=/app/data/demo \
    MALLOC_ARENA_MAX=2
WORKDIR /app
COPY package.json ./
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The demo council's data; mount a council's own folder and point COUNCIL_DATA_DIR at it.
COPY data ./data
COPY --from=build --chown=node:node /app/model ./model
RUN mkdir -p /app/var && chown node:node /app/var
# The image's own "node" user (uid 1000): nothing in the container runs as root.
USER node
VOLUME ["/app/var"]
EXPOSE 3978
# Ready means storage (and Redis, when configured) answer; a first start with a council's own
# intents/ lines trains for about a minute, hence the start period.
HEALTHCHECK --interval=30s --timeout=5s --start-period=180s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3978) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# node is PID 1 and receives docker stop's SIGTERM itself: turns in progress finish, storage closes.
STOPSIGNAL SIGTERM
CMD ["node", "--enable-source-maps", "dist/bot/index.js"]

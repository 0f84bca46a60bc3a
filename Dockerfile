# syntax=docker/dockerfile:1
# mcp-discovery: build with tsc, run the built CLI as the non-root `node` user.

# Node 20: the project pins the package versions that run on it (DEVELOPERS.md). Same release as development.
ARG NODE_VERSION=20.20.2
# The npm that wrote package-lock.json and reads package.json's allowScripts (Node 20 bundles npm 10).
ARG NPM_VERSION=11.19.1

FROM node:${NODE_VERSION}-bookworm-slim AS toolchain
ARG NPM_VERSION
# better-sqlite3 compiles from source: node-gyp needs python3, make and a C++ compiler.
RUN apt-get update \
    && apt-get install -y --no-install-recommends python3 make g++ \
    && rm -rf /var/lib/apt/lists/*
RUN npm install --global "npm@${NPM_VERSION}"
# Compile against this image's own Node headers: no prebuilt binary or header download at build time.
ENV npm_config_build_from_source=true \
    npm_config_nodedir=/usr/local \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false
WORKDIR /app
COPY package.json package-lock.json .npmrc ./

FROM toolchain AS build
# tsc needs no native module, so install scripts are skipped here; prod-deps compiles better-sqlite3 once.
RUN npm ci --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM toolchain AS prod-deps
# Runtime dependencies exactly as locked, then the three reference servers that examples/demo.mcp.json starts
# from node_modules/@modelcontextprotocol/..., at the versions package.json pins for them (devDependencies).
# --save-prod --no-save installs them as runtime packages without touching package.json or the lockfile.
RUN npm ci --omit=dev \
    && npm install --omit=dev --save-prod --no-save $(node -p "const d = require('./package.json').devDependencies; \
        ['@modelcontextprotocol/server-everything', '@modelcontextprotocol/server-filesystem', \
        '@modelcontextprotocol/server-memory'].map((p) => p + '@' + d[p]).join(' ')") \
    && npm cache clean --force

FROM node:${NODE_VERSION}-bookworm-slim AS runtime
ENV NODE_ENV=production \
    MCP_DISCOVERY_DATA_DIR=/var/lib/mcp-discovery
# pg_dump and pg_restore: `backup` and `restore` of a PostgreSQL store run them (bookworm's client is 15).
RUN apt-get update \
    && apt-get install -y --no-install-recommends postgresql-client \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# The one writable place: catalog, cache, logs. Owned by `node` so a fresh named volume inherits it.
RUN mkdir -p /var/lib/mcp-discovery && chown node:node /var/lib/mcp-discovery
# Code and dependencies stay root-owned: the process cannot rewrite them.
COPY --from=prod-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY data ./data
COPY examples ./examples
USER node
EXPOSE 7842
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["--help"]

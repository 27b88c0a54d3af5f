# Twofold as a container image: compiled JavaScript on Node 22, production dependencies only,
# running as the unprivileged `node` user.
#
#   docker build -t twofold .
#   docker run -p 3000:3000 -v twofold-data:/data twofold                     # zero setup
#   docker run -p 3000:3000 -e DATABASE_URL=... -e REDIS_URL=... \
#     -e ENCRYPTION_KEY=... -e COOKIE_KEYS=... -e ISSUER=https://id.example.com twofold
#   docker exec <container> twofold clients list                            # operator CLI

# --- build: TypeScript to dist/ (needs the dev dependencies) -------------------------------
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY interactions ./interactions
RUN npm run build

# --- runtime -------------------------------------------------------------------------------
FROM node:22-slim
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=3000 \
    DATA_DIR=/data
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
# the compiled code, and the files it reads at run time (found from the directory of
# package.json, see src/project-root.ts)
COPY --from=build /app/dist ./dist
COPY migrations ./migrations
COPY interactions/views ./interactions/views
COPY interactions/messages ./interactions/messages
COPY interactions/assets ./interactions/assets
COPY interactions/emails ./interactions/emails
COPY bin ./bin
# `twofold` on the PATH; without src/ it runs dist/ and needs no tsx.
# DATA_DIR (embedded mode only) is the one place the process writes to.
RUN ln -s /app/bin/twofold.mjs /usr/local/bin/twofold \
 && mkdir -p /data && chown node:node /data
USER node
EXPOSE 3000
# slim has no curl: ask with Node's own fetch
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 3000) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "dist/src/main.js"]

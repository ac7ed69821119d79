# One image holding every app, built from the pnpm workspace; compose.yaml picks the process.
# Written to the Docker and pnpm documentation but never built or run on the development
# machines (they have no Docker and no network beyond the package registries): keep it simple,
# and see docs/deploy.md for what is and is not checked by the test suite.

FROM node:20-slim AS build
RUN npm install -g pnpm@10
WORKDIR /repo
COPY . .
RUN pnpm install --frozen-lockfile
# Bundles apps/<app>/dist (the @tally/* packages inlined, third-party packages left as imports).
RUN pnpm build
# Each app into /out/<app>: its package.json, dist/ and its production dependencies only.
# --legacy: the workspace does not inject its packages, and the apps' bundles need none of them.
RUN for app in apps/*/; do \
      pnpm --filter "./${app}" deploy --legacy --prod "/out/$(basename "$app")"; \
    done

FROM node:20-slim
ENV NODE_ENV=production \
    TALLY_DATA_DIR=/data/pglite
WORKDIR /app
# The code stays root's and read-only to the process; only /data (the embedded database, when
# DATABASE_URL is unset) is writable.
COPY --from=build /out /app
RUN mkdir /data && chown node:node /data
USER node
EXPOSE 3000 3001
# The REST API; the other entry points:
#   node --enable-source-maps rest/dist/admin.js <command>     (pnpm admin)
#   node --enable-source-maps internal/dist/main.js            (the internal API, port 3001)
#   node --enable-source-maps importer/dist/main.js            (the migration worker and jobs)
#   node --max-old-space-size=160 --max-semi-space-size=8 importer/dist/cli.js <file> --account <id>
CMD ["node", "--enable-source-maps", "rest/dist/main.js"]

# syntax=docker/dockerfile:1.7
# The browser console (apps/console) as a static site: the Vite build served by nginx, which
# also passes /api/ to the gateway (one origin: no CORS, the same paths as the embedded mode).
#   docker build -f docker/console.Dockerfile -t orderline/console .
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=true
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY . .
RUN node tools/console/build-console.mjs --force

FROM nginx:1.27-alpine
COPY docker/console.nginx.conf /etc/nginx/conf.d/default.conf
COPY --from=build /app/dist/console /usr/share/nginx/html
EXPOSE 80
HEALTHCHECK --interval=10s --timeout=5s --retries=6 CMD wget -q -O /dev/null http://127.0.0.1/ || exit 1

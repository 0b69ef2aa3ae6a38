/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  poweredByHeader: false,
  // better-sqlite3 is a native addon: Next must load it from node_modules, never bundle it.
  serverExternalPackages: ["better-sqlite3", "pg"],
};

export default nextConfig;

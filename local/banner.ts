/** What the start banner shows; `npm start` and `npm run twin` print the same one. */
export interface BannerInfo {
  /** First line, e.g. `ECI local stack is up.` */
  title: string;
  apiUrl: string;
  apiKey: string;
  simulatorUrl: string;
  dataDir: string | undefined;
  logFile: string | undefined;
  demoConnectionId: string;
  resumed: { requeued: number; followed: number };
}

/**
 * The banner printed once the stack listens: where the API is, its key, the demo connection and
 * `curl` lines to try, so whatever drives one of the two local runtimes can drive the other.
 */
export function startBanner(info: BannerInfo): string {
  const { apiUrl, apiKey, demoConnectionId } = info;
  return `
${info.title}
  API               ${apiUrl}            (x-api-key: ${apiKey})
  Trendyol sim      ${info.simulatorUrl}
  data dir          ${info.dataDir}   (delete it to start from scratch)
  logs              ${info.logFile}
  demo connection   ${demoConnectionId}
  resumed           ${info.resumed.requeued} queued chunk(s), ${info.resumed.followed} batch(es) to confirm

Try it:
  curl -s ${apiUrl}/health
  curl -s -H 'x-api-key: ${apiKey}' ${apiUrl}/v1/connections/${demoConnectionId}/status
  curl -s -X POST '${apiUrl}/v1/inventory/push?force=1&forceWrite=1' \\
       -H 'x-api-key: ${apiKey}' -H 'content-type: application/json' \\
       -d '{"connectionId":"${demoConnectionId}","items":[{"barcode":"8696947006698","quantity":0,"salePrice":0,"listPrice":0}]}'
  curl -s -H 'x-api-key: ${apiKey}' ${apiUrl}/v1/pushes/<pushId>
  curl -s -H 'x-api-key: ${apiKey}' '${apiUrl}/v1/inventory/state?connectionId=${demoConnectionId}&barcode=8696947006698'
  ECI_API_URL=${apiUrl} ECI_API_KEY=${apiKey} npx eci push stock.csv --connection ${demoConnectionId} --watch

  status page       ${apiUrl}/   (type the API key)
  OpenAPI           ${apiUrl}/openapi.json

Writes to Trendyol: TRENDYOL_WRITE_ENABLED=${process.env.TRENDYOL_WRITE_ENABLED ?? 'false'}, forceWrite=1 allowed: ${process.env.TRENDYOL_FORCE_WRITE_ALLOWED ?? 'true'}.
Stop with Ctrl-C; data is kept for the next start.
`;
}

// A local ФГИС ЦС portal for the collector's screens (collector.spec.ts): the region navigation
// and price answers of its public API (../shared/research/peers-and-formats.md §2.3) for the demo
// base's region 28 (Амурская область), whose newest period, IV кв. 2025, is not in the demo base
// yet: a third of its prices 15 % above III кв. 2025, the rest 3 %. The ФСНБ data sets are not
// served (404), as a portal without them would answer.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";

type Row = Record<string, unknown> & { code: string; estimatedPrice?: string; salary?: string };

/** A decimal string of kopecks scaled by percent/100, rounded half up. */
function scaled(text: string, percent: bigint): string {
  const [whole, fraction = ""] = text.split(".");
  const kopecks = BigInt(whole + fraction.padEnd(2, "0").slice(0, 2));
  const result = (kopecks * percent + 50n) / 100n;
  const s = result.toString().padStart(3, "0");
  return `${s.slice(0, -2)}.${s.slice(-2)}`;
}

export function startFakePortal(q3Folder: string): Promise<{ server: Server; url: string }> {
  const q3 = JSON.parse(readFileSync(join(q3Folder, "current_prices.json"), "utf8")) as { items: { items: Row[] }[] };
  const rows: Row[] = q3.items.flatMap((g) => g.items);
  const q4 = rows.map((r, i) => ({ ...r, estimatedPrice: scaled(String(r.estimatedPrice), i % 3 === 0 ? 115n : 103n) }));
  const salaries = (JSON.parse(readFileSync(join(q3Folder, "worker_salary.json"), "utf8")) as { items: Row[] }).items.map(
    (r) => ({ ...r, salary: scaled(String(r.salary), 104n) }),
  );
  const answer = (path: string, query: URLSearchParams): unknown | undefined => {
    if (path === "/api/EstimatedPrice/CountrySubjects") return [{ id: 283, name: "Амурская область" }, { id: 323, name: "г. Москва" }];
    if (path === "/api/EstimatedPrice/PriceZones") return query.get("subjectId") === "283" ? [{ id: 152, name: "Амурская область" }] : [];
    if (path === "/api/EstimatedPrice/Periods") {
      return query.get("priceZoneId") === "152"
        ? [{ id: 412, name: "4 квартал 2025 г." }, { id: 411, name: "3 квартал 2025 г." }, { id: 410, name: "2 квартал 2025 г." }]
        : [];
    }
    const page = Number(query.get("page") ?? "1");
    const take = Number(query.get("take") ?? "25");
    const slice = <T>(list: T[]) => list.slice((page - 1) * take, page * take);
    const ours = query.get("priceZoneId") === "152" && query.get("periodId") === "412";
    if (path === "/api/EstimatedPrice/BuildingResources/Search/Materials") {
      const list = ours ? q4 : [];
      const chunk = slice(list);
      return { items: chunk.length > 0 ? [{ id: 1, ksrType: 1, items: chunk }] : [], total: list.length };
    }
    if (path === "/api/EstimatedPrice/BuildingResources/Search/Machines") return { items: [], total: 0 };
    if (path === "/api/EstimatedPrice/RimWorkerSalaryRegistry") {
      const list = ours ? salaries : [];
      return { items: slice(list), total: list.length };
    }
    return undefined;
  };
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://localhost");
    const body = request.method === "GET" ? answer(url.pathname, url.searchParams) : undefined;
    if (body === undefined) {
      response.writeHead(404, { "Content-Type": "application/json" }).end('{"message":"not found"}');
      return;
    }
    response.writeHead(200, { "Content-Type": "application/json; charset=utf-8" }).end(JSON.stringify(body));
  });
  return new Promise((resolveServer) => {
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      resolveServer({ server, url: `http://127.0.0.1:${port}/api` });
    });
  });
}

// The typed contract in use: the calls the front end will make, with openapi-fetch and the types
// generated from src/api/docs/openapi.json (`npm run gen:api`). It is only type-checked
// (`npm run typecheck`, a CTest test): if the document loses a schema, a field or a status, this
// file stops compiling. The assertions below also fail when a body's type degrades to `never`,
// `unknown`/`any` or an object without properties.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "../src/api/schema";

type Schemas = components["schemas"];

// --- type-level assertions --------------------------------------------------------------------
type IsNever<T> = [T] extends [never] ? true : false;
type IsAny<T> = 0 extends 1 & T ? true : false;
type IsUnknown<T> = IsAny<T> extends true ? false : unknown extends T ? true : false;
type HasKeys<T> = [keyof T] extends [never] ? false : string extends keyof T ? false : true;
/** true when T is a real type: not never, any or unknown, and an object with named keys. */
type Typed<T> =
  IsNever<T> extends true ? false
  : IsAny<T> extends true ? false
  : IsUnknown<T> extends true ? false
  : T extends readonly (infer E)[] ? Typed<E>
  : T extends object ? HasKeys<T>
  : true;
type Assert<T extends true> = T;
type Equals<A, B> = (<X>() => X extends A ? 1 : 2) extends <X>() => X extends B ? 1 : 2 ? true : false;

type Json<P extends keyof paths, M extends keyof paths[P], S extends number> =
  paths[P][M] extends { responses: { [K in S]: { content: { "application/json": infer B } } } } ? B : never;
type Body<P extends keyof paths, M extends keyof paths[P]> =
  paths[P][M] extends { requestBody?: { content: { "application/json": infer B } } } ? B : never;
type Problem<P extends keyof paths, M extends keyof paths[P], S extends number> =
  paths[P][M] extends { responses: { [K in S]: { content: { "application/problem+json": infer B } } } } ? B : never;

type LoginRequest = Body<"/api/v1/auth/login", "post">;
type Session = Json<"/api/v1/auth/login", "post", 200>;
type Estimate = Json<"/api/v1/estimates/{id}", "get", 200>;
type PositionPatch = Body<"/api/v1/estimates/{id}/positions/{position_id}", "patch">;
type EditResult = Json<"/api/v1/estimates/{id}/positions/{position_id}", "patch", 200>;
type ChangeSet = Body<"/api/v1/estimates/{id}/changes", "post">;
type Versions = Json<"/api/v1/estimates/{id}/versions", "get", 200>;
type Diff = Json<"/api/v1/estimates/{id}/diff", "get", 200>;
type NormSearch = Json<"/api/v1/norms", "get", 200>;
type NotFound = Problem<"/api/v1/estimates/{id}", "get", 404>;

export type Checks = [
  Assert<Typed<LoginRequest>>,
  Assert<Typed<Session>>,
  Assert<Typed<Session["user"]>>,
  Assert<Typed<Session["organization"]>>,
  Assert<Typed<Estimate>>,
  Assert<Typed<Estimate["sections"]>>,
  Assert<Typed<Estimate["sections"][number]["positions"]>>,
  Assert<Typed<NonNullable<Estimate["totals"]>>>,
  Assert<Typed<NonNullable<Estimate["sections"][number]["figures"]>>>,
  Assert<Typed<PositionPatch>>,
  Assert<Typed<EditResult>>,
  Assert<Typed<ChangeSet>>,
  Assert<Typed<ChangeSet["changes"][number]>>,
  Assert<Typed<Versions>>,
  Assert<Typed<Diff>>,
  Assert<Typed<Diff["items"][number]>>,
  Assert<Typed<NormSearch>>,
  Assert<Typed<NormSearch["items"]>>,
  Assert<Typed<NotFound>>,
  // Decimals travel as strings; the change set is a union discriminated by op.
  Assert<Equals<NonNullable<Estimate["totals"]>["total"], string>>,
  Assert<Equals<Schemas["Change"]["op"], "add_section" | "rename_section" | "remove_section" | "add_position" | "update_position" | "remove_position" | "move_position" | "update_header">>,
  Assert<Equals<Session["role"], "admin" | "estimator" | "reviewer" | "viewer">>,
  Assert<Equals<EditResult["changed"], boolean>>,
  Assert<Typed<Schemas["EditApplied"]["positions"]>>,
];

// --- the calls ----------------------------------------------------------------------------------
export async function contractTour(baseUrl: string, email: string, password: string): Promise<string[]> {
  const client = createClient<paths>({ baseUrl });
  const seen: string[] = [];

  const credentials: LoginRequest = { email, password };
  const login = await client.POST("/api/v1/auth/login", { body: credentials });
  if (!login.data) throw new Error(`sign-in: ${login.response.status} ${login.error?.detail ?? ""}`);
  const session: Schemas["Session"] = login.data;
  const bearer: Middleware = {
    onRequest({ request }) {
      request.headers.set("Authorization", `Bearer ${session.access_token}`);
      return request;
    },
  };
  client.use(bearer);
  seen.push(`${session.user.email} is ${session.role} of ${session.organization.name}`);

  const projects = await client.GET("/api/v1/projects");
  const projectId = projects.data?.[0]?.id;
  if (projectId === undefined) return seen;
  const objects = await client.GET("/api/v1/projects/{id}/objects", { params: { path: { id: projectId } } });
  const objectId = objects.data?.[0]?.id;
  if (objectId === undefined) return seen;
  const estimates = await client.GET("/api/v1/objects/{id}/estimates", { params: { path: { id: objectId } } });
  const estimateId = estimates.data?.[0]?.id;
  if (estimateId === undefined) return seen;

  // The estimate view: sections, positions, figures (money as decimal strings) and its version.
  const view = await client.GET("/api/v1/estimates/{id}", { params: { path: { id: estimateId } } });
  if (!view.data) throw new Error(`estimate: ${view.error?.status} ${view.error?.detail}`);
  const estimate: Schemas["Estimate"] = view.data;
  const etag = view.response.headers.get("ETag") ?? `"${estimate.version}"`;
  const total: string | undefined = estimate.totals?.total;
  seen.push(`${estimate.name} v${estimate.version} (${estimate.status}): ${total ?? estimate.problem ?? "—"}`);
  for (const section of estimate.sections) {
    for (const position of section.positions ?? []) {
      const perUnit: string | undefined = position.figures?.per_unit;
      seen.push(`${section.name} / ${position.number ?? position.id}: ${position.code ?? ""} × ${position.quantity ?? ""} = ${perUnit ?? ""}`);
    }
  }

  // An edit: the quantity of the first position, based on the version read.
  const first = estimate.sections.flatMap((s) => s.positions ?? [])[0];
  if (first) {
    const patch: PositionPatch = { quantity: "3.5", summary: "contract check" };
    const edited = await client.PATCH("/api/v1/estimates/{id}/positions/{position_id}", {
      params: { path: { id: estimateId, position_id: first.id }, header: { "If-Match": etag } },
      body: patch,
    });
    if (edited.data) {
      const result: Schemas["EditResult"] = edited.data;
      if (result.changed) {
        // A new version: the touched positions, every section's figures and the totals.
        const applied: Schemas["EditApplied"] = result;
        seen.push(`v${applied.version}: ${applied.positions.map((p) => p.figures?.total).join(", ")} / ${applied.totals?.total ?? ""}`);
      } else {
        seen.push(`v${result.version}: unchanged`);
      }
    } else if (edited.response.status === 412) {
      seen.push(`stale: ${edited.error?.detail}`);
    }
    // The same as a change set: a union discriminated by op.
    const changes: ChangeSet = {
      summary: "contract check",
      changes: [
        { op: "add_section", name: "Раздел из проверки контракта" },
        { op: "update_position", position_id: first.id, quantity: "2", coefficients: null },
      ],
    };
    void changes;
  }

  // History: versions and the diff of the last two.
  const versions = await client.GET("/api/v1/estimates/{id}/versions", { params: { path: { id: estimateId } } });
  const history: Schemas["Version"][] = versions.data ?? [];
  for (const v of history) seen.push(`v${v.version} ${v.created_at} ${v.summary} (${v.change_count})`);
  if (history.length >= 2) {
    const to = history[history.length - 1]!.version;
    const diff = await client.GET("/api/v1/estimates/{id}/diff", {
      params: { path: { id: estimateId }, query: { from: to - 1, to } },
    });
    for (const item of diff.data?.items ?? []) {
      seen.push(`${item.op} ${item.kind} ${item.id}: ${item.before?.figures?.total ?? "—"} → ${item.after?.figures?.total ?? "—"}`);
    }
  }

  // Norm search of the active release.
  const norms = await client.GET("/api/v1/norms", { params: { query: { q: "бетон", limit: 5 } } });
  for (const hit of norms.data?.items ?? []) seen.push(`${hit.full_code} ${hit.name} [${hit.unit}] ${hit.score}`);
  return seen;
}

// The service's API for the tests' own set-up and checks, through the same typed client as the
// application (openapi-fetch over the generated schema), with a bearer token. Tests arrange data
// here and assert what the screen shows against what the API computes.
import createClient from "openapi-fetch";
import type { components, paths } from "../../src/api/schema";
import type { Credentials } from "./service";

export type Schemas = components["schemas"];
export type Role = Schemas["Role"];
type Client = ReturnType<typeof createClient<paths>>;

/** The data of a 2xx answer, or an error naming the call, the status and the problem document. */
function ok<T>(what: string, result: { data?: T; error?: unknown; response: Response }): T {
  if (result.response.ok && result.data !== undefined) return result.data;
  throw new Error(`${what}: HTTP ${result.response.status} ${JSON.stringify(result.error ?? "")}`);
}

export class Api {
  private constructor(
    readonly client: Client,
    readonly session: Schemas["Session"],
  ) {}

  /** Signs in over the API (POST /api/v1/auth/login). */
  static async signIn(baseURL: string, who: Credentials): Promise<Api> {
    const anonymous = createClient<paths>({ baseUrl: baseURL });
    const session = ok(`sign in as ${who.email}`, await anonymous.POST("/api/v1/auth/login", { body: who }));
    const client = createClient<paths>({ baseUrl: baseURL, headers: { Authorization: `Bearer ${session.access_token}` } });
    return new Api(client, session);
  }

  get accessToken(): string {
    return this.session.access_token;
  }

  /** A new account in the admin's organization with a role (POST /api/v1/users, admins only). */
  async createUser(role: Role, email?: string, displayName?: string): Promise<Credentials & { id: number; role: Role }> {
    const address = email ?? `${role}-${Date.now()}-${Math.floor(Math.random() * 1e6)}@example.com`;
    const password = `e2e-${role}-password-${Math.random().toString(36).slice(2, 12)}`;
    const result = await this.client.POST("/api/v1/users", {
      body: { email: address, password, role, ...(displayName ? { display_name: displayName } : {}) },
    });
    if (result.response.status !== 201) {
      throw new Error(`add ${role} ${address}: HTTP ${result.response.status} ${JSON.stringify(result.error ?? result.data)}`);
    }
    const member = result.data as Schemas["Member"];
    return { id: member.id, email: address, password, role };
  }

  async createProject(name: string): Promise<Schemas["Project"]> {
    return ok(`create project ${name}`, await this.client.POST("/api/v1/projects", { body: { name } }));
  }

  async createObject(projectId: number, name: string): Promise<Schemas["SiteObject"]> {
    return ok(
      `create object ${name}`,
      await this.client.POST("/api/v1/projects/{id}/objects", { params: { path: { id: projectId } }, body: { name } }),
    );
  }

  async createEstimate(objectId: number, estimate: Schemas["NewEstimate"]): Promise<Schemas["Estimate"]> {
    return ok(
      `create estimate ${estimate.name}`,
      await this.client.POST("/api/v1/objects/{id}/estimates", { params: { path: { id: objectId } }, body: estimate }),
    );
  }

  async estimate(id: number): Promise<Schemas["Estimate"]> {
    return ok(`get estimate ${id}`, await this.client.GET("/api/v1/estimates/{id}", { params: { path: { id } } }));
  }

  async document(id: number): Promise<Schemas["EstimateDocument"]> {
    return ok(`get the document of estimate ${id}`, await this.client.GET("/api/v1/estimates/{id}/document", { params: { path: { id } } }));
  }

  /** The estimate as stored now, computed by POST /api/v1/calc: the figures the screen must show. */
  async calcOfEstimate(id: number): Promise<Schemas["EstimateResult"]> {
    const document = await this.document(id);
    const result = ok(`calc of estimate ${id}`, await this.client.POST("/api/v1/calc", { body: document, parseAs: "json" }));
    if (typeof result === "string" || result.format !== "estimate-result/1") {
      const format = typeof result === "string" ? "text" : result.format;
      throw new Error(`calc of estimate ${id} answered ${format}, not a resource-index ЛСР`);
    }
    return result;
  }
}

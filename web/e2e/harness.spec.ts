// The harness the screen tests stand on: test data over the API, the figures of calc, the money
// format of the screen, and stopping and starting the service under a test.
import { expect, test } from "./support/fixtures";
import { Api } from "./support/api";
import { estimateFromGolden, goldenCase } from "./support/data";
import { moneyText } from "./support/money";

test.describe("harness", () => {
  test("an estimate made over the API computes through calc to its golden figures", async ({ adminApi }) => {
    const { estimate } = await estimateFromGolden(adminApi, "contract_example");
    const stored = await adminApi.estimate(estimate.id);
    const calc = await adminApi.calcOfEstimate(estimate.id);
    const { expected } = goldenCase("contract_example");
    expect(calc.totals.total).toBe(expected.totals.total);
    expect(stored.totals?.total).toBe(calc.totals.total);
    expect(moneyText("12075.74")).toBe("12\u00a0075,74");
    expect(moneyText("-1234567.5")).toBe("−1\u00a0234\u00a0567,5");
  });

  test("the service stops and starts again on the same port and data", async ({ adminApi, service, serviceState, newUser }) => {
    const estimator = await newUser("estimator");
    const { estimate } = await estimateFromGolden(adminApi, "contract_example");
    await service.stop();
    await expect(fetch(`${serviceState.baseURL}/health`)).rejects.toThrow();
    await service.start();
    const again = await Api.signIn(serviceState.baseURL, estimator);
    expect((await again.estimate(estimate.id)).id).toBe(estimate.id);
  });
});

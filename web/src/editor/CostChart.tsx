// The cost structure of the estimate as a ring chart (ECharts, loaded only when opened). The
// slices' sizes are drawn from the service's figures; every number shown is the service's text.
import { useEffect, useRef } from "react";
import { PieChart } from "echarts/charts";
import { LegendComponent, TooltipComponent } from "echarts/components";
import * as echarts from "echarts/core";
import { CanvasRenderer } from "echarts/renderers";
import { formatMoney } from "../lib/decimal";
import type { Totals } from "./model";

echarts.use([PieChart, LegendComponent, TooltipComponent, CanvasRenderer]);

const PARTS: { key: keyof Totals; name: string }[] = [
  { key: "ot", name: "Оплата труда" },
  { key: "em", name: "Эксплуатация машин" },
  { key: "m", name: "Материалы" },
  { key: "equipment", name: "Оборудование" },
  { key: "overhead", name: "Накладные расходы" },
  { key: "profit", name: "Сметная прибыль" },
];

export default function CostChart({ totals }: { totals: Totals }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (!box.current) return;
    const chart = echarts.init(box.current, undefined, { renderer: "canvas" });
    const data = PARTS.map((p) => ({ name: p.name, value: Number(totals[p.key] as string), text: formatMoney(totals[p.key] as string) }));
    chart.setOption({
      tooltip: { trigger: "item", formatter: (p: { name: string; data: { text: string }; percent: number }) => `${p.name}: ${p.data.text} ₽ (${p.percent.toFixed(1).replace(".", ",")} %)` },
      legend: { orient: "vertical", right: 10, top: "middle" },
      series: [{ type: "pie", radius: ["40%", "70%"], center: ["35%", "50%"], label: { formatter: "{d} %" }, data }],
    });
    const resize = () => chart.resize();
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      chart.dispose();
    };
  }, [totals]);
  return (
    <figure className="chart" data-testid="cost-chart">
      <div ref={box} style={{ width: 640, height: 320 }} role="img" aria-label={`Структура затрат: ${PARTS.map((p) => `${p.name} ${formatMoney(totals[p.key] as string)} ₽`).join("; ")}`} />
      <figcaption className="muted">Структура сметной стоимости, всего {formatMoney(totals.total)} ₽</figcaption>
    </figure>
  );
}

export function ObjectPage() {
  return <section className="page">…</section>;
}

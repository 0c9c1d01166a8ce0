export function ProjectPage() {
  return <section className="page">…</section>;
}

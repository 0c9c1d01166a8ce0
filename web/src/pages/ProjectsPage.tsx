export function ProjectsPage() {
  return <section className="page">…</section>;
}

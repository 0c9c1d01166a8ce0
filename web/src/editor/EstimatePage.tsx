export default function EstimatePage() {
  return <section className="page">…</section>;
}

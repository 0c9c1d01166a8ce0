import { Link } from "react-router-dom";

export function NotFoundPage() {
  return (
    <section className="page">
      <h1>Страница не найдена</h1>
      <p>
        <Link to="/projects">К списку проектов</Link>
      </p>
    </section>
  );
}

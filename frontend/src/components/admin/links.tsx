import { Link } from "react-router";

/** Where the operator area shows a record of this type, if it has a page for it. */
export function targetPath(type: string, id: string | null | undefined): string | null {
  if (!id) return null;
  switch (type) {
    case "user":
      return `/admin/users/${id}`;
    case "material":
      return `/admin/materials/${id}`;
    case "dispute":
      return `/admin/disputes/${id}`;
    case "certificate":
      return "/admin/certificates";
    case "report":
      return "/admin/reports";
    default:
      return null;
  }
}

export function TargetLink({ type, id, label }: { type: string; id: string | null | undefined; label?: string }) {
  const to = targetPath(type, id);
  const text = label ?? `${type} ${id ? id.slice(0, 8) : ""}`.trim();
  if (!to) return <span>{text}</span>;
  return (
    <Link to={to} className="font-medium text-brand-700 hover:underline">
      {text}
    </Link>
  );
}

/**
 * `alter table ... add constraint` has no `if not exists` in PostgreSQL: this wraps it so a
 * migration can run on a database that already has the constraint (a restored or half-healed one).
 */
export function addConstraintIfMissing(table: string, constraint: string, definition: string): string {
  return `do $$ begin
  if not exists (select 1 from pg_constraint where conname = '${constraint}' and conrelid = '"${table}"'::regclass) then
    alter table "${table}" add constraint "${constraint}" ${definition};
  end if;
end $$;`;
}

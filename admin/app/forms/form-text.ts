/** A text field of a submitted form, trimmed unless told otherwise; '' when absent or a file. */
export function formText(form: FormData, name: string, options: { trim?: boolean } = {}): string {
  const value = form.get(name);
  if (typeof value !== 'string') return '';
  return options.trim === false ? value : value.trim();
}

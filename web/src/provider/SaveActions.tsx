import { errorMessage } from '../ui/components';

/** The end of every settings form: the API's message when saving failed, the button, and a polite status line. */
export function SaveActions({ mutation, status, label }: { mutation: { isError: boolean; isPending: boolean; error: unknown }; status: string; label: string }) {
  return (
    <>
      {mutation.isError ? (
        <p className="form-error" role="alert">
          {errorMessage(mutation.error)}
        </p>
      ) : null}
      <div className="row">
        <button type="submit" className="button" disabled={mutation.isPending}>
          {label}
        </button>
        <span role="status" className="small">
          {status}
        </span>
      </div>
    </>
  );
}

// The Temporal header that carries the HTTP request id from the API into a workflow and
// from there into the activities it schedules, so their log lines name the request with
// tracing off too (with tracing on, OpenTelemetry baggage carries it as well). A header,
// not a workflow argument or memo: it changes no workflow input and no command's payload.
export const REQUEST_ID_HEADER = 'casework-request-id';

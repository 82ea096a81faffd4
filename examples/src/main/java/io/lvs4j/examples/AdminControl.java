package io.lvs4j.examples;

/**
 * What an {@link AdminServer} serves besides the status it reads: a running director's reload
 * state and its runtime changes. Changes are taken from loopback peers only.
 */
interface AdminControl {

    /**
     * An answer to a request.
     *
     * @param status the HTTP status
     * @param contentType the body's media type
     * @param body the body
     */
    record Answer(int status, String contentType, String body) {

        /** @return a plain-text answer */
        static Answer text(int status, String body) {
            return new Answer(status, "text/plain; charset=utf-8", body.endsWith("\n") ? body : body + "\n");
        }
    }

    /**
     * Answers a request if it is one of the control's.
     *
     * @param method the HTTP method
     * @param path the path, without the query
     * @param body the request body (empty for none)
     * @return the answer, or null if the path is not the control's
     */
    Answer handle(String method, String path, String body);
}

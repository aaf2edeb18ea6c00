/**
 * The chat page's icon, served at /favicon.ico (browsers ask for it; a 404 there is noise in
 * every console): a 16×16 PNG in an ICO container, the same bytes as the docs site's
 * docs/public/favicon.ico.
 */
export const FAVICON_ICO: Uint8Array = Uint8Array.from(atob('AAABAAEAEBAAAAEAIABiAAAAFgAAAIlQTkcNChoKAAAADUlIRFIAAAAQAAAAEAgGAAAAH/P/YQAAAClJREFUeNpjUDJ2+U8JZqCqATCASzE2+eFuACH+IDcAHYwaQKQBA5IbAcGSSQcrd75dAAAAAElFTkSuQmCC'), (char) => char.charCodeAt(0));

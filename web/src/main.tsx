import { createRoot } from "react-dom/client";
import { errorEnvelopeSchema, meResponseSchema } from "@guestcard/shared";
import { hc } from "hono/client";
const c = hc<any>("/");
console.log(errorEnvelopeSchema.safeParse(window), meResponseSchema.safeParse(document), c);
createRoot(document.getElementById("root")!).render(<div>hi</div>);

// A Vite plugin of ours: index.html asks for the app's chunk (and the chunks and styles it needs) with
// <link rel="modulepreload"> from the start. The entry (src/main.tsx) is kept tiny so that it can send
// the first requests at once and then import the app dynamically; without these links the browser
// would learn of the app's chunk only after the entry had arrived and run: one more round trip.
import type { HtmlTagDescriptor, Plugin } from "vite";

interface BundleChunk {
  type: "chunk";
  fileName: string;
  facadeModuleId: string | null;
  imports: string[];
  viteMetadata?: { importedCss: Set<string> };
}

export function preloadApp(appModule: string): Plugin {
  return {
    name: "guestcard:preload-app",
    apply: "build",
    transformIndexHtml: {
      order: "post",
      handler(_html, context) {
        const { bundle, chunk: entry } = context;
        if (!bundle || !entry) return;
        const chunks = Object.values(bundle).filter(
          (output): output is BundleChunk & typeof output => output.type === "chunk",
        );
        const app = chunks.find((chunk) => chunk.facadeModuleId?.endsWith(appModule));
        if (!app)
          throw new Error(`preload-app: no chunk for ${appModule}; is it imported dynamically by the entry?`);

        // The app's chunk and everything it imports statically, minus what the entry already brings.
        const byFile = new Map(chunks.map((chunk) => [chunk.fileName, chunk]));
        const needed = new Set<string>();
        const visit = (fileName: string) => {
          if (needed.has(fileName) || fileName === entry.fileName || entry.imports.includes(fileName)) return;
          needed.add(fileName);
          for (const imported of byFile.get(fileName)?.imports ?? []) visit(imported);
        };
        visit(app.fileName);

        const tags: HtmlTagDescriptor[] = [];
        for (const fileName of needed) {
          tags.push({
            tag: "link",
            attrs: { rel: "modulepreload", crossorigin: true, href: `/${fileName}` },
            injectTo: "head",
          });
          for (const css of byFile.get(fileName)?.viteMetadata?.importedCss ?? []) {
            tags.push({
              tag: "link",
              attrs: { rel: "stylesheet", crossorigin: true, href: `/${css}` },
              injectTo: "head",
            });
          }
        }
        return tags;
      },
    },
  };
}

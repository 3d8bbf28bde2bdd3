import { QRCodeSVG } from "qrcode.react";
import { useRef, useState } from "react";
import { Notice } from "../components/layout";
import { haptic } from "../telegram";
import { useManagerDownload } from "./manager-download";
import { useManagerTexts } from "./manager-texts";
import {
  copyText,
  type PosterText,
  posterInvitation,
  printableQrSvg,
  printQrLevel,
  printQrMarginModules,
  qrFileName,
  svgToPng,
} from "./printable-qr";

/** A link's poster as it will print (printable-qr.ts), with SVG/PNG downloads. */
export function QrPoster({ link, poster, fileCode }: { link: string; poster: PosterText; fileCode: string }) {
  const texts = useManagerTexts();
  const qr = useRef<SVGSVGElement>(null);
  const { save, saving, failure } = useManagerDownload();

  const download = (kind: "svg" | "png") => {
    const code = qr.current;
    if (!code) return;
    void save(async () => {
      const svg = printableQrSvg(code, poster);
      const blob = kind === "svg" ? new Blob([svg], { type: "image/svg+xml" }) : await svgToPng(svg);
      return { blob, fileName: qrFileName(fileCode, kind) };
    });
  };

  return (
    <figure className="qr-poster">
      <p className="qr-poster-restaurant">{poster.restaurant}</p>
      <p className="qr-poster-invitation" lang="ru">
        {posterInvitation[0]}
      </p>
      <p className="qr-poster-invitation qr-poster-invitation-second" lang="en">
        {posterInvitation[1]}
      </p>
      <QRCodeSVG
        ref={qr}
        value={link}
        level={printQrLevel}
        marginSize={printQrMarginModules}
        size={232}
        bgColor="#ffffff"
        fgColor="#000000"
        title={link}
        data-testid="qr-code"
      />
      {poster.sourceLabel && <figcaption className="qr-poster-name">{poster.sourceLabel}</figcaption>}
      <div className="qr-poster-actions">
        <button
          type="button"
          className="button button-small"
          onClick={() => download("svg")}
          disabled={saving}
          data-download="svg"
        >
          {texts.downloadSvg}
        </button>
        <button
          type="button"
          className="button button-small"
          onClick={() => download("png")}
          disabled={saving}
          data-download="png"
        >
          {texts.downloadPng}
        </button>
      </div>
      {failure && <Notice tone="error">{failure}</Notice>}
      <p className="qr-poster-hint">{texts.qrPrintHint}</p>
    </figure>
  );
}

/** A link on one line with a copy button that says when it has copied. */
export function CopyableLink({ label, link }: { label: string; link: string }) {
  const texts = useManagerTexts();
  const [copied, setCopied] = useState(false);
  return (
    <div className="cell copyable-link">
      <span className="cell-text">
        <span className="cell-hint">{label}</span>
        <a className="copyable-link-url" href={link} target="_blank" rel="noreferrer">
          {link}
        </a>
      </span>
      <button
        type="button"
        className="copy-button"
        onClick={() => {
          void copyText(link).then(() => {
            haptic.tap();
            setCopied(true);
            setTimeout(() => setCopied(false), 1500);
          });
        }}
      >
        {copied ? texts.copied : texts.copy}
      </button>
    </div>
  );
}

import { useEffect, useState } from "react";

/**
 * Milliseconds left until `expiresAtMs` on the server's clock (the phone's clock plus the offset
 * measured when the card arrived), never below zero. Worked out on every render from the arguments,
 * never kept in state: a state would still hold the previous card's figure on the first render after
 * a new card arrives, and that one render would see a live card as dead (issue 14: the stored card
 * was forgotten the moment it arrived). Re-renders four times a second so the seconds change on time;
 * the ring's CSS transition smooths the steps in between.
 */
export function useServerCountdown(expiresAtMs: number, serverOffsetMs: number): number {
  const left = millisecondsLeft(expiresAtMs, serverOffsetMs);
  const [, setTick] = useState(0);
  const running = left > 0;
  useEffect(() => {
    if (!running) return;
    const timer = window.setInterval(() => {
      setTick((tick) => tick + 1);
      if (millisecondsLeft(expiresAtMs, serverOffsetMs) === 0) window.clearInterval(timer);
    }, 250);
    return () => window.clearInterval(timer);
  }, [expiresAtMs, serverOffsetMs, running]);
  return left;
}

function millisecondsLeft(expiresAtMs: number, serverOffsetMs: number): number {
  return Math.max(0, expiresAtMs - (Date.now() + serverOffsetMs));
}

/** 272000 → "4:32"; rounds up, so "0:00" appears exactly when the card dies. */
export function formatCountdown(milliseconds: number): string {
  const totalSeconds = Math.ceil(milliseconds / 1000);
  const hours = Math.floor(totalSeconds / 3600);
  const minutes = Math.floor((totalSeconds % 3600) / 60);
  const seconds = String(totalSeconds % 60).padStart(2, "0");
  return hours > 0 ? `${hours}:${String(minutes).padStart(2, "0")}:${seconds}` : `${minutes}:${seconds}`;
}

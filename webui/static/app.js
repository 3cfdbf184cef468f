// Confrère web UI enhancements. Every page works without this file; it only adds instant
// feedback. No text lives here: messages come from the page's data-* attributes (translated).
"use strict";

// Luhn check over a string of digits (the key of RPPS and ADELI numbers, core/identifiers).
function luhnValid(digits) {
  let sum = 0;
  for (let i = 0; i < digits.length; i++) {
    let d = digits.charCodeAt(digits.length - 1 - i) - 48;
    if (i % 2 === 1) { d *= 2; if (d > 9) d -= 9; }
    sum += d;
  }
  return sum % 10 === 0;
}

// Same rules as core/identifiers/professional_id.cpp: RPPS 11 digits (or "8" + RPPS),
// ADELI 9 digits (or "0" + ADELI), spaces, dots and hyphens ignored, Luhn key on the bare number.
function checkIdentifier(kind, value) {
  const digits = value.replace(/[\s.\-\u00a0\u202f]+/g, "");
  if (kind === "student" || digits === "") return "";
  if (!/^[0-9]+$/.test(digits)) return "digits";
  let length = kind === "rpps" ? 11 : 9;
  let bare = digits;
  if (digits.length === length + 1 && digits[0] === (kind === "rpps" ? "8" : "0")) bare = digits.slice(1);
  if (bare.length !== length) return "length";
  return luhnValid(bare) ? "ok" : "key";
}

function setUpIdentifierFeedback() {
  const input = document.getElementById("identifier");
  const kind = document.getElementById("identifier_kind");
  const out = document.getElementById("identifier-feedback");
  if (!input || !kind || !out) return;
  const update = () => {
    const verdict = checkIdentifier(kind.value, input.value);
    out.textContent = verdict ? out.dataset[verdict] || "" : "";
    out.className = "feedback " + (verdict === "ok" ? "ok" : verdict ? "bad" : "");
  };
  input.addEventListener("input", update);
  kind.addEventListener("change", update);
}

document.addEventListener("DOMContentLoaded", setUpIdentifierFeedback);

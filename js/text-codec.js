// UTF-8 for the inline build where a host lacks TextEncoder / TextDecoder (Jest's jsdom
// environment has neither): defined only when missing, before the engine's glue needs them.
// Browsers and Node have both, and never run this code's branches.
if (typeof globalThis.TextEncoder === 'undefined') {
  globalThis.TextEncoder = class TextEncoder {
    get encoding() {
      return 'utf-8';
    }

    encode(text = '') {
      const bytes = [];
      for (const char of String(text)) {
        const c = char.codePointAt(0);
        if (c < 0x80) bytes.push(c);
        else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
        else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
        else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      }
      return Uint8Array.from(bytes);
    }
  };
}

if (typeof globalThis.TextDecoder === 'undefined') {
  globalThis.TextDecoder = class TextDecoder {
    decode(input = new Uint8Array()) {
      const bytes = input instanceof Uint8Array ? input : new Uint8Array(input.buffer ?? input);
      let text = '';
      for (let i = 0; i < bytes.length;) {
        const b = bytes[i];
        const size = b < 0x80 ? 1 : b < 0xe0 ? 2 : b < 0xf0 ? 3 : 4;
        let c = size === 1 ? b : b & (0xff >> (size + 1));
        for (let k = 1; k < size; k++) c = (c << 6) | (bytes[i + k] & 63);
        text += String.fromCodePoint(c);
        i += size;
      }
      return text;
    }
  };
}

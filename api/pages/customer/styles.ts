// The customer pages' one stylesheet, served by the API itself (/assets/customer.css; no
// CDN: many customers' networks cannot reach one). Kept in a module so the production
// build carries it. Mobile first: one column, 48 px tap targets, system fonts (Noto CJK
// where installed), AA contrast, a visible focus ring.
export const CUSTOMER_CSS = `
*,*::before,*::after{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif;color:#1a1a1a;background:#f2f4f7}
.top{display:flex;align-items:center;justify-content:space-between;gap:8px;padding:8px 16px;background:#0b4f94;color:#fff}
.top h1{font-size:1.25rem;margin:0}
.top a{color:#fff}
main{max-width:40rem;margin:0 auto;padding:12px}
.meta{margin:4px 4px 12px;color:#3d4650}
.card{background:#fff;border-radius:8px;padding:12px 16px;margin:0 0 12px;box-shadow:0 1px 2px rgba(0,0,0,.12)}
.emphasis{border:2px solid #0b4f94}
form.emphasis{padding:8px 12px;border-radius:6px;margin-top:8px}
h2{font-size:1.125rem;margin:.25rem 0 .5rem}
h3{font-size:1rem;margin:.75rem 0 .25rem}
.tracker{list-style:none;margin:0;padding:0}
.tracker li{display:grid;grid-template-columns:20px 1fr auto;align-items:center;gap:8px;padding:6px 0;color:#4a5562}
.tracker .dot{width:14px;height:14px;border-radius:50%;border:2px solid #6b7684;background:#fff}
.tracker .done{color:#1a1a1a}.tracker .done .dot{background:#1d7a3a;border-color:#1d7a3a}
.tracker .current{color:#0b4f94;font-weight:700}.tracker .current .dot{background:#0b4f94;border-color:#0b4f94}
.tracker time{font-size:.875rem}
.engineer{display:flex;gap:12px;align-items:center}
.photo{display:inline-flex;width:56px;height:56px;border-radius:50%;background:#dce6f2;color:#0b4f94;font-size:1.5rem;align-items:center;justify-content:center}
table.quote{width:100%;border-collapse:collapse}
.quote th,.quote td{text-align:left;padding:6px 4px;border-bottom:1px solid #d5dae0;vertical-align:top}
.quote .num{text-align:right;white-space:nowrap}
.events{list-style:none;margin:0;padding:0}.events li{padding:4px 0;border-bottom:1px solid #eceff3}
.events time{color:#3d4650;font-size:.875rem;margin-right:8px}
.actions{display:flex;flex-wrap:wrap;gap:8px;margin-top:8px}
.button,button{display:inline-flex;align-items:center;justify-content:center;min-height:48px;min-width:48px;padding:10px 16px;border-radius:6px;border:2px solid #0b4f94;background:#fff;color:#0b4f94;font:inherit;font-weight:600;text-decoration:none;cursor:pointer}
.button.primary,button.primary{background:#0b4f94;color:#fff}
.button.danger,button.danger{background:#a4161a;border-color:#a4161a;color:#fff}
summary.button{list-style:none;width:100%}
label{display:block;margin:10px 0 4px;font-weight:600}
.choice{display:flex;align-items:center;gap:10px;min-height:48px;font-weight:400;margin:0}
.choice input{width:24px;height:24px}
fieldset{border:1px solid #c4cbd3;border-radius:6px;margin:8px 0;padding:4px 12px}
legend{font-weight:600;padding:0 4px}
textarea,select,input[type=datetime-local]{width:100%;min-height:48px;font:inherit;padding:8px;border:1px solid #6b7684;border-radius:6px;background:#fff;color:#1a1a1a}
.stars span[aria-hidden]{color:#8a5a00;letter-spacing:2px}
.outcome{background:#e7f4ea;border-left:4px solid #1d7a3a;padding:8px}
.flash{background:#e7f4ea;border-radius:6px;padding:8px 12px}
.quoted{white-space:pre-wrap;background:#f6f7f9;padding:8px;border-radius:4px}
.note{color:#3d4650;font-size:.875rem}
.complaint{border-top:1px solid #eceff3;padding-top:6px}
.hotline{text-align:center;padding:16px;color:#3d4650}
.tel{display:inline-flex;align-items:center;min-height:48px;font-weight:700;color:#0b4f94}
a:focus-visible,button:focus-visible,input:focus-visible,textarea:focus-visible,select:focus-visible,summary:focus-visible{outline:3px solid #d97b00;outline-offset:2px}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0);white-space:nowrap}
`.trim();

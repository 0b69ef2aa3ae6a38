import nodemailer from "nodemailer";

/** One email the server sends about an account: a link and why. */
export type AccountMail = {
  to: string;
  subject: string;
  /** What the link does, one sentence, shown above it. */
  intro: string;
  url: string;
  /** What to do if the person did not ask for this. */
  footer: string;
};

export type Mailer = { send(mail: AccountMail): Promise<void> };

/** Plain text and a minimal HTML part: the link must work in any client. */
export function createSmtpMailer(smtpUrl: string, from: string): Mailer {
  const transport = nodemailer.createTransport(smtpUrl);
  return {
    async send(mail) {
      const escapeHtml = (text: string) => text.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: `${mail.intro}\n\n${mail.url}\n\n${mail.footer}\n`,
        html: `<p>${escapeHtml(mail.intro)}</p><p><a href="${escapeHtml(mail.url)}">${escapeHtml(mail.url)}</a></p><p>${escapeHtml(mail.footer)}</p>`,
      });
    },
  };
}

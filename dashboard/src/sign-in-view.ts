import { type SessionClient, type SessionInfo, SetupRequired } from "./session-client.js";

/**
 * The sign-in form. Until it resolves nothing else of the dashboard runs: no live connection, no
 * requests for ward data.
 */
export class SignInView {
  constructor(
    private readonly section: HTMLElement,
    private readonly client: SessionClient,
  ) {}

  /** Resolves with the session: the current one, or one made through the form. */
  async session(): Promise<SessionInfo> {
    try {
      const current = await this.client.current();
      if (current) {
        document.body.dataset.auth = "signed-in";
        return current;
      }
    } catch (e) {
      this.show(e instanceof Error ? e.message : String(e), e instanceof SetupRequired);
      if (e instanceof SetupRequired) return new Promise(() => {}); // nothing to sign in to yet
    }
    return this.ask();
  }

  /** Asks again, saying why (e.g. the role signed in may not see the ward). */
  again(message: string): Promise<SessionInfo> {
    return this.ask(message);
  }

  private ask(message = ""): Promise<SessionInfo> {
    const form = this.section.querySelector("form") as HTMLFormElement;
    const status = this.section.querySelector("[data-part=status]") as HTMLElement;
    this.show(message);
    (form.elements.namedItem("user") as HTMLInputElement).focus();
    return new Promise((resolve) => {
      const submit = (ev: SubmitEvent) => {
        ev.preventDefault();
        const data = new FormData(form);
        const button = form.querySelector("button") as HTMLButtonElement;
        button.disabled = true;
        status.textContent = "Signing in…";
        this.client.signIn(String(data.get("user") ?? ""), String(data.get("password") ?? "")).then(
          (s) => {
            form.removeEventListener("submit", submit);
            (form.elements.namedItem("password") as HTMLInputElement).value = "";
            button.disabled = false;
            this.section.hidden = true;
            document.body.dataset.auth = "signed-in";
            resolve(s);
          },
          (e: Error) => {
            button.disabled = false;
            status.textContent = e.message;
            (form.elements.namedItem("password") as HTMLInputElement).select();
          },
        );
      };
      form.addEventListener("submit", submit);
    });
  }

  private show(message: string, setup = false): void {
    document.body.dataset.auth = "signed-out";
    this.section.hidden = false;
    const status = this.section.querySelector("[data-part=status]") as HTMLElement;
    status.textContent = message;
    (this.section.querySelector("form") as HTMLFormElement).hidden = setup;
  }
}

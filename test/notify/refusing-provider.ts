import { connectNode, startTestGateway, type TestGateway } from "../harness/gateway.js";
import { vitals } from "../support/frames.js";
import { waitFor } from "../support/wait-for.js";
import { type HttpStandIn, startHttpStandIn } from "./stand-ins.js";

/**
 * A gateway whose only channel is a WhatsApp Cloud API that refuses the token (401: permanent), with
 * one CRITICAL reading already sent, so exactly one notification ends up dead-lettered.
 */
export async function gatewayWithDeadLetter(): Promise<{
  gw: TestGateway;
  provider: HttpStandIn;
  close(): void;
}> {
  const provider = await startHttpStandIn(() => ({
    status: 401,
    body: { error: { message: "Invalid OAuth access token", code: 190 } },
  }));
  const gw = await startTestGateway({
    env: { WA_TOKEN: "expired-token" },
    config: {
      alarms: { defaultProfile: "original" },
      notifications: {
        enabled: true,
        channels: {
          wa: {
            type: "whatsapp_cloud",
            apiBaseUrl: provider.url,
            phoneNumberId: "1",
            accessToken: { env: "WA_TOKEN" },
            recipients: { ICU: ["+491511111111"] },
          },
        },
      },
    },
  });
  const node = await connectNode(gw.tcpPort, { node: "n", bed: "Bed-7", ward: "ICU" });
  node.send(vitals(1, { spo2: 88 })); // CRITICAL under the original profile → one notification
  await node.waitAck(1);
  await waitFor(
    async () => ((await (await fetch(`${gw.url}/api/notifications`)).json()) as { dead: number }).dead >= 1,
    "the refused notification to be dead-lettered",
  );
  return { gw, provider, close: () => node.close() };
}

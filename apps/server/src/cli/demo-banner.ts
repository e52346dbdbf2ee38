import { Scopes } from "@payreq/contracts";
import type { DemoData } from "@payreq/core";

/** What `serve` prints after seeding: the credentials and a request that works as pasted. */
export const demoBanner = (demo: DemoData, url: string): string => {
  const { sunriseSender, harborSender, ops, aggregator, sunriseIntegrator } = demo.credentials;
  const body = JSON.stringify({
    amount: 125.5,
    description: "Brake pads and rotors",
    orderNumber: "RO-1001",
    orderType: "RO",
    customerUuid: demo.ids.customers.sunriseFull,
    sendAsText: true,
    sendAsEmail: true,
  });
  return [
    "Demo data seeded. These passwords are shown once:",
    `  ${sunriseSender.username.padEnd(18)} ${sunriseSender.password}   ${sunriseSender.scope} on ${sunriseSender.departmentUuid}`,
    `  ${harborSender.username.padEnd(18)} ${harborSender.password}   ${harborSender.scope} on ${harborSender.departmentUuid}`,
    `  ${ops.username.padEnd(18)} ${ops.password}   ${ops.scope} and ${Scopes.dealersManage} on *`,
    `  ${aggregator.username.padEnd(18)} ${aggregator.password}   the v4 scopes on *, for an aggregator in upstream mode`,
    `  ${sunriseIntegrator.username.padEnd(18)} ${sunriseIntegrator.password}   ${sunriseIntegrator.scope} on ${sunriseIntegrator.departmentUuid}`,
    "",
    "Try it:",
    `curl -sS -u '${sunriseSender.username}:${sunriseSender.password}' \\`,
    `  -H 'Content-Type: application/json' \\`,
    `  -X POST '${url}/payment/aggregator/v1/departments/${demo.ids.departments.sunrise}/payment-requests' \\`,
    `  --data-raw '${body}'`,
    "",
  ].join("\n");
};

import type { AssociateRef, Customer, Department } from "./dealer.ts";

export type Order = {
  uuid: string;
  departmentUuid: string;
  orderType: string;
  orderNumber: string;
  customerUuid: string;
  dealerAssociateUuid: string | null;
  amountCents: number;
  status: "OPEN" | "CLOSED";
};

/** Step 1's request: the order named by orderUuid, or the department's order with (orderType, orderNumber). */
export type OrderRequest = {
  department: Department;
  dealerUuid?: string | undefined;
  orderUuid?: string | undefined;
  orderNumber?: string | undefined;
  orderType?: string | undefined;
  customerUuid?: string | undefined;
  associate: AssociateRef;
  amountCents: number;
};

export type ResolvedOrder = { order: Order; customer: Customer; created: boolean };

import type { AssociateRef, Customer, Department } from "../../domain/dealer.ts";
import { PayreqError } from "../../domain/errors.ts";
import type { Order, OrderRequest, ResolvedOrder } from "../../domain/order.ts";
import type { Clock, IdGenerator } from "../../ports/clock.ts";
import type { Sql } from "../../ports/store.ts";
import {
  getAssociate,
  getCustomer,
  getCustomerAndOrder,
  getOrderByNumber,
  getOrderByUuid,
  insertOrderIfAbsent,
} from "./platform-queries.ts";

export type StepContext = { tx: Sql; clock: Clock; ids: IdGenerator; forUpdate: string };

/** The associate named by any of the three identifiers; all that are given must name the same one, of this department. */
const findAssociate = async (tx: Sql, department: Department, ref: AssociateRef): Promise<string | null> => {
  if (ref.departmentUuid !== undefined && ref.departmentUuid !== department.uuid) {
    throw new PayreqError("DEALER_ASSOCIATE_NOT_FOUND", {
      description: "dealerAssociateDepartmentUuid is not the department in the path",
    });
  }
  if (ref.uuid === undefined && ref.userUuid === undefined) return null;
  const row =
    ref.uuid !== undefined
      ? await getAssociate(tx, "uuid", ref.uuid)
      : await getAssociate(tx, "userUuid", ref.userUuid ?? "");
  if (
    !row ||
    row.departmentUuid !== department.uuid ||
    (ref.userUuid !== undefined && row.userUuid !== ref.userUuid)
  ) {
    throw new PayreqError("DEALER_ASSOCIATE_NOT_FOUND", {
      description: "dealerAssociateUuid / dealerAssociateUserUuid name no associate of this department",
    });
  }
  return row.uuid;
};

/** The customer, if it is one of this department's dealer's. */
const ofDealer = (department: Department, customer: Customer | undefined): Customer => {
  if (!customer || customer.dealerUuid !== department.dealerUuid) {
    throw new PayreqError("CUSTOMER_NOT_FOUND", {
      description: "customerUuid names no customer of this department's dealer",
    });
  }
  return customer;
};

const findCustomer = async (tx: Sql, department: Department, customerUuid: string): Promise<Customer> =>
  ofDealer(department, await getCustomer(tx, customerUuid));

const ensureSameCustomer = (orderCustomerUuid: string, customerUuid: string | undefined) => {
  if (customerUuid !== undefined && customerUuid !== orderCustomerUuid)
    throw new PayreqError("CUSTOMER_MISMATCH");
};

/**
 * Step 1. Objects of another department are treated exactly like missing ones, and nothing is written. Never two
 * orders with one number: the insert yields to a concurrent call's, whose order is then used.
 */
export const resolveOrder = async (
  { tx, clock, ids }: StepContext,
  request: OrderRequest,
): Promise<ResolvedOrder> => {
  const { department } = request;
  if (request.dealerUuid !== undefined && request.dealerUuid !== department.dealerUuid) {
    throw new PayreqError("INVALID_DEALER_TOKEN");
  }
  const associateUuid = await findAssociate(tx, department, request.associate);

  if (request.orderUuid !== undefined) {
    const order = await getOrderByUuid(tx, request.orderUuid, department.uuid);
    if (!order) throw new PayreqError("ORDER_NOT_FOUND");
    if (
      (request.orderNumber !== undefined && request.orderNumber !== order.orderNumber) ||
      (request.orderType !== undefined && request.orderType !== order.orderType)
    ) {
      throw new PayreqError("ORDER_MISMATCH");
    }
    ensureSameCustomer(order.customerUuid, request.customerUuid);
    return { order, customer: await findCustomer(tx, department, order.customerUuid), created: false };
  }

  const { orderNumber, orderType, customerUuid } = request;
  if (orderNumber === undefined || orderType === undefined || customerUuid === undefined) {
    throw new PayreqError("INVALID_REQUEST_DATA", {
      description: "orderNumber, orderType and customerUuid are required when orderUuid is absent",
    });
  }
  const found = await getCustomerAndOrder(tx, customerUuid, {
    departmentUuid: department.uuid,
    orderType,
    orderNumber,
  });
  const customer = ofDealer(department, found?.customer);
  const existing = found?.order;
  if (existing) {
    ensureSameCustomer(existing.customerUuid, customerUuid);
    return { order: existing, customer, created: false };
  }
  const order: Order = {
    uuid: ids.next(),
    departmentUuid: department.uuid,
    orderType,
    orderNumber,
    customerUuid,
    dealerAssociateUuid: associateUuid,
    amountCents: request.amountCents,
    status: "OPEN",
  };
  if (await insertOrderIfAbsent(tx, order, clock.now())) return { order, customer, created: true };
  const concurrent = await getOrderByNumber(tx, department.uuid, orderType, orderNumber);
  if (!concurrent) throw new Error("an order yielded to a concurrent insert that is not there");
  ensureSameCustomer(concurrent.customerUuid, customerUuid);
  return { order: concurrent, customer, created: false };
};

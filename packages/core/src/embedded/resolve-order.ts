import { PayreqError } from "../errors.ts";
import type { Clock, IdGenerator } from "../ids.ts";
import type { AssociateRef, Customer, Department, OrderRequest, ResolvedOrder } from "../ports.ts";
import type { BackendStatements } from "./statements.ts";

type Deps = { statements: BackendStatements; clock: Clock; ids: IdGenerator };

/** The associate named by any of the three identifiers; all that are given must name the same one, of this department. */
const findAssociate = (
  statements: BackendStatements,
  department: Department,
  ref: AssociateRef,
): string | null => {
  if (ref.departmentUuid !== undefined && ref.departmentUuid !== department.uuid) {
    throw new PayreqError("DEALER_ASSOCIATE_NOT_FOUND", {
      description: "dealerAssociateDepartmentUuid is not the department in the path",
    });
  }
  if (ref.uuid === undefined && ref.userUuid === undefined) return null;
  const row =
    ref.uuid !== undefined
      ? statements.getAssociate("uuid", ref.uuid)
      : statements.getAssociate("userUuid", ref.userUuid ?? "");
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

const findCustomer = (
  statements: BackendStatements,
  department: Department,
  customerUuid: string,
): Customer => {
  const customer = statements.getCustomer(customerUuid);
  if (!customer || customer.dealerUuid !== department.dealerUuid) {
    throw new PayreqError("CUSTOMER_NOT_FOUND", {
      description: "customerUuid names no customer of this department's dealer",
    });
  }
  return customer;
};

const ensureSameCustomer = (orderCustomerUuid: string, customerUuid: string | undefined) => {
  if (customerUuid !== undefined && customerUuid !== orderCustomerUuid)
    throw new PayreqError("CUSTOMER_MISMATCH");
};

/** Step 1. Objects of another department are treated exactly like missing ones, and nothing is written. */
export const resolveOrder = ({ statements, clock, ids }: Deps, request: OrderRequest): ResolvedOrder => {
  const { department } = request;
  if (request.dealerUuid !== undefined && request.dealerUuid !== department.dealerUuid) {
    throw new PayreqError("INVALID_DEALER_TOKEN");
  }
  const associateUuid = findAssociate(statements, department, request.associate);

  if (request.orderUuid !== undefined) {
    const order = statements.getOrderByUuid(request.orderUuid, department.uuid);
    if (!order) throw new PayreqError("ORDER_NOT_FOUND");
    if (
      (request.orderNumber !== undefined && request.orderNumber !== order.orderNumber) ||
      (request.orderType !== undefined && request.orderType !== order.orderType)
    ) {
      throw new PayreqError("ORDER_MISMATCH");
    }
    ensureSameCustomer(order.customerUuid, request.customerUuid);
    return { order, customer: findCustomer(statements, department, order.customerUuid), created: false };
  }

  const { orderNumber, orderType, customerUuid } = request;
  if (orderNumber === undefined || orderType === undefined || customerUuid === undefined) {
    throw new PayreqError("INVALID_REQUEST_DATA", {
      description: "orderNumber, orderType and customerUuid are required when orderUuid is absent",
    });
  }
  const customer = findCustomer(statements, department, customerUuid);
  const existing = statements.getOrderByNumber(department.uuid, orderType, orderNumber);
  if (existing) {
    ensureSameCustomer(existing.customerUuid, customerUuid);
    return { order: existing, customer, created: false };
  }
  const order = {
    uuid: ids.next(),
    departmentUuid: department.uuid,
    orderType,
    orderNumber,
    customerUuid,
    dealerAssociateUuid: associateUuid,
    amountCents: request.amountCents,
    status: "OPEN" as const,
  };
  statements.insertOrder.run({ ...order, now: clock.now() });
  return { order, customer, created: true };
};

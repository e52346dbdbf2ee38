import { and, eq } from "drizzle-orm";
import type { Db } from "../db/open-database.ts";
import { customers, dealerAssociates, dealerOrders } from "../db/schema.ts";
import { PayreqError } from "../errors.ts";
import type { Clock, IdGenerator } from "../ids.ts";
import type { AssociateRef, Department, OrderRequest, ResolvedOrder } from "../ports.ts";
import { toCustomer, toOrder } from "./rows.ts";

type Deps = { db: Db; clock: Clock; ids: IdGenerator };

/** The associate named by any of the three identifiers; all that are given must name the same one, of this department. */
const findAssociate = (db: Db, department: Department, ref: AssociateRef): string | null => {
  if (ref.departmentUuid !== undefined && ref.departmentUuid !== department.uuid) {
    throw new PayreqError("DEALER_ASSOCIATE_NOT_FOUND", {
      description: "dealerAssociateDepartmentUuid is not the department in the path",
    });
  }
  if (ref.uuid === undefined && ref.userUuid === undefined) return null;
  const row = db
    .select()
    .from(dealerAssociates)
    .where(
      ref.uuid !== undefined
        ? eq(dealerAssociates.uuid, ref.uuid)
        : eq(dealerAssociates.userUuid, ref.userUuid ?? ""),
    )
    .get();
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

const findCustomer = (db: Db, department: Department, customerUuid: string) => {
  const row = db.select().from(customers).where(eq(customers.uuid, customerUuid)).get();
  if (!row || row.dealerUuid !== department.dealerUuid) {
    throw new PayreqError("CUSTOMER_NOT_FOUND", {
      description: "customerUuid names no customer of this department's dealer",
    });
  }
  return toCustomer(row);
};

const ensureSameCustomer = (orderCustomerUuid: string, customerUuid: string | undefined) => {
  if (customerUuid !== undefined && customerUuid !== orderCustomerUuid) {
    throw new PayreqError("CUSTOMER_MISMATCH");
  }
};

/** Step 1. Objects of another department are treated exactly like missing ones, and nothing is written. */
export const resolveOrder = ({ db, clock, ids }: Deps, request: OrderRequest): ResolvedOrder => {
  const { department } = request;
  if (request.dealerUuid !== undefined && request.dealerUuid !== department.dealerUuid) {
    throw new PayreqError("INVALID_DEALER_TOKEN");
  }
  const associateUuid = findAssociate(db, department, request.associate);

  if (request.orderUuid !== undefined) {
    const row = db
      .select()
      .from(dealerOrders)
      .where(and(eq(dealerOrders.uuid, request.orderUuid), eq(dealerOrders.departmentUuid, department.uuid)))
      .get();
    if (!row) throw new PayreqError("ORDER_NOT_FOUND");
    if (
      (request.orderNumber !== undefined && request.orderNumber !== row.orderNumber) ||
      (request.orderType !== undefined && request.orderType !== row.orderType)
    ) {
      throw new PayreqError("ORDER_MISMATCH");
    }
    ensureSameCustomer(row.customerUuid, request.customerUuid);
    return { order: toOrder(row), customer: findCustomer(db, department, row.customerUuid), created: false };
  }

  const { orderNumber, orderType, customerUuid } = request;
  if (orderNumber === undefined || orderType === undefined || customerUuid === undefined) {
    throw new PayreqError("INVALID_REQUEST_DATA", {
      description: "orderNumber, orderType and customerUuid are required when orderUuid is absent",
    });
  }
  const customer = findCustomer(db, department, customerUuid);
  const existing = db
    .select()
    .from(dealerOrders)
    .where(
      and(
        eq(dealerOrders.departmentUuid, department.uuid),
        eq(dealerOrders.orderType, orderType),
        eq(dealerOrders.orderNumber, orderNumber),
      ),
    )
    .get();
  if (existing) {
    ensureSameCustomer(existing.customerUuid, customerUuid);
    return { order: toOrder(existing), customer, created: false };
  }
  const now = clock.now();
  const row = db
    .insert(dealerOrders)
    .values({
      uuid: ids.next(),
      departmentUuid: department.uuid,
      orderType,
      orderNumber,
      customerUuid,
      dealerAssociateUuid: associateUuid,
      amountCents: request.amountCents,
      status: "OPEN",
      createdAt: now,
      updatedAt: now,
    })
    .returning()
    .get();
  return { order: toOrder(row), customer, created: true };
};

/** A dealer's department: where payment requests are sent from. */
export type Department = { uuid: string; name: string; dealerUuid: string; dealerName: string };

/** A customer of a dealer (customers belong to dealers, not departments). */
export type Customer = {
  uuid: string;
  dealerUuid: string;
  firstName: string;
  lastName: string;
  phone: string | null;
  email: string | null;
  textOptIn: boolean;
};

/** The dealer associate a call names, by any of its three identifiers. */
export type AssociateRef = {
  uuid?: string | undefined;
  userUuid?: string | undefined;
  departmentUuid?: string | undefined;
};

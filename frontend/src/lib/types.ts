/**
 * Domain types derived from the generated schema by path (not by component name), so they follow
 * whatever the backend names its models.
 */
import type { paths } from "@/api/schema";

type Json<T> = T extends { content: { "application/json": infer B } } ? B : never;
type Ok<P extends keyof paths, M extends keyof paths[P], C extends number = 200> = paths[P][M] extends {
  responses: infer R;
}
  ? C extends keyof R
    ? Json<R[C]>
    : never
  : never;
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { requestBody?: infer B } ? Json<NonNullable<B>> : never;
type Query<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends { parameters: { query?: infer Q } } ? NonNullable<Q> : never;

export type Me = Ok<"/api/auth/me", "get">;
export type Role = Me["role"];
/** The roles one may register with (`admin` accounts are made on the server only). */
export type SignupRole = RegisterBody["role"];
export type RegisterBody = Body<"/api/auth/register", "post">;
export type LoginBody = Body<"/api/auth/login", "post">;
export type TokenPair = Ok<"/api/auth/login", "post">;
export type DeletionScheduled = Ok<"/api/auth/delete", "delete", 202>;

export type ImageUploaded = Ok<"/api/images", "post", 201>;

export type MaterialTypes = Ok<"/api/materials/types", "get">;
export type MaterialSearch = Ok<"/api/materials", "get">;
export type MaterialSummary = MaterialSearch["materials"][number];
export type MaterialQuery = Query<"/api/materials", "get">;
export type MaterialDetail = Ok<"/api/materials/{material_id}", "get">;
export type MaterialCreateBody = Body<"/api/materials", "post">;
export type MaterialUpdateBody = Body<"/api/materials/{material_id}", "put">;
export type MaterialStatus = MaterialDetail["status"];

export type TransactionList = Ok<"/api/transactions", "get">;
export type TransactionSummary = TransactionList["transactions"][number];
export type TransactionQuery = Query<"/api/transactions", "get">;
export type TransactionDetail = Ok<"/api/transactions/{transaction_id}", "get">;
export type TransactionCreateBody = Body<"/api/transactions", "post">;
export type ShippingAddress = TransactionCreateBody["shipping_address"];
export type StatusChangeBody = Body<"/api/transactions/{transaction_id}/status", "post">;
export type TransactionStatus = TransactionDetail["status"];

export type PaymentBody = Body<"/api/payments", "post">;
export type Payment = Ok<"/api/payments", "post", 201>;

export type Passport = Ok<"/api/passports/{material_id}", "get">;
export type MetricsBody = Body<"/api/passports/{material_id}/metrics", "post">;

export type Conversation = Ok<"/api/messages/conversations", "get">["conversations"][number];
export type Message = Ok<"/api/messages/{user_id}", "get">["messages"][number];
export type MessageBody = Body<"/api/messages", "post">;

export type Report = Ok<"/api/reports/sustainability", "get">;
export type ReportMonth = Report["by_month"][number];
export type ReportMaterialType = Report["by_material_type"][number];
export type ReportMethodShare = Report["scope3_methods"][number];
export type ReportLine = Report["lines"][number];

export type ShippingProfile = Ok<"/api/account/shipping-profile", "get">;
export type ShippingProfileBody = Body<"/api/account/shipping-profile", "put">;
export type ShippingZoneBody = ShippingProfileBody["zones"][number];
export type ShippingQuote = Ok<"/api/materials/{material_id}/shipping-quote", "get">;
export type Carrier = NonNullable<StatusChangeBody["carrier"]>;

export type Dispute = Ok<"/api/disputes/{dispute_id}", "get">;
export type DisputeMessage = Dispute["messages"][number];

export type AuditLog = Ok<"/api/admin/audit", "get">;
export type AuditEntry = AuditLog["entries"][number];
export type AuditQuery = Query<"/api/admin/audit", "get">;

export type PriceTier = MaterialDetail["price_tiers"][number];
export type MaterialLot = MaterialDetail["lots"][number];

export type OfferList = Ok<"/api/offers", "get">;
export type Offer = Ok<"/api/offers/{offer_id}", "get">;
export type OfferQuery = Query<"/api/offers", "get">;
export type OfferStatus = Offer["status"];
export type OfferCreateBody = Body<"/api/offers", "post">;
export type OfferCounterBody = Body<"/api/offers/{offer_id}/counter", "post">;
export type OfferAcceptBody = Body<"/api/offers/{offer_id}/accept", "post">;

export type PayoutAccount = Ok<"/api/payouts/account", "get">;
export type PayoutList = Ok<"/api/payouts", "get">;
export type RefundBody = Body<"/api/transactions/{transaction_id}/refunds", "post">;
export type Refund = Ok<"/api/transactions/{transaction_id}/refunds", "get">["refunds"][number];
export type DisputeBody = Body<"/api/transactions/{transaction_id}/disputes", "post">;
export type DisputeSummary = Ok<"/api/transactions/{transaction_id}/disputes", "get">["disputes"][number];
export type DisputeReason = DisputeBody["reason"];
export type FxRates = Ok<"/api/fx-rates", "get">;

export type Company = Ok<"/api/account/company", "get">;
export type CompanyBody = Body<"/api/account/company", "put">;
export type AdminUserList = Ok<"/api/admin/users", "get">;
export type AdminUserSummary = AdminUserList["users"][number];
export type AdminUserQuery = Query<"/api/admin/users", "get">;
export type AdminUserDetail = Ok<"/api/admin/users/{user_id}", "get">;
export type ReportQueue = Ok<"/api/admin/reports", "get">;
export type ListingReport = ReportQueue["reports"][number];
export type ReportQuery = Query<"/api/admin/reports", "get">;
export type ReportStatus = ListingReport["status"];
export type ReportReason = ListingReport["reason"];
export type ReportBody = Body<"/api/materials/{material_id}/reports", "post">;
export type PlatformStats = Ok<"/api/admin/stats", "get">;

export type DocumentUploaded = Ok<"/api/documents", "post", 201>;
export type CertificateList = Ok<"/api/certificates", "get">;
export type Certificate = CertificateList["certificates"][number];
export type CertificateStatus = Certificate["status"];
export type DocumentRef = Certificate["document"];
export type CertificateBody = Body<"/api/certificates", "post">;
export type AdminCertificateList = Ok<"/api/admin/certificates", "get">;
export type AdminCertificate = AdminCertificateList["certificates"][number];
export type ResolveBody = Body<"/api/admin/disputes/{dispute_id}/resolve", "post">;
export type DisputeOutcome = ResolveBody["outcome"];

export type DisputeCase = Ok<"/api/admin/disputes", "get">["disputes"][number];
export type DisputedOrder = DisputeCase["order"];
export type OrderLedger = Ok<"/api/admin/ledger", "get">;

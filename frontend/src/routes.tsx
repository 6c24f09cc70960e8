import { lazy, type ReactNode } from "react";
import { createBrowserRouter, Outlet, ScrollRestoration } from "react-router";
import { AuthProvider } from "@/components/auth/AuthProvider";
import { RequireAdmin } from "@/components/auth/RequireAdmin";
import { RequireAuth } from "@/components/auth/RequireAuth";
import { AdminLayout } from "@/components/admin/AdminLayout";
import { AppLayout } from "@/components/layout/AppLayout";
import ErrorPage from "@/pages/ErrorPage";

const LandingPage = lazy(() => import("@/pages/LandingPage"));
const LoginPage = lazy(() => import("@/pages/LoginPage"));
const RegisterPage = lazy(() => import("@/pages/RegisterPage"));
const NotFoundPage = lazy(() => import("@/pages/NotFoundPage"));
const MaterialsPage = lazy(() => import("@/pages/MaterialsPage"));
const MaterialDetailPage = lazy(() => import("@/pages/MaterialDetailPage"));
const StorefrontPage = lazy(() => import("@/pages/StorefrontPage"));
const MaterialNewPage = lazy(() => import("@/pages/MaterialNewPage"));
const MaterialEditPage = lazy(() => import("@/pages/MaterialEditPage"));
const CheckoutPage = lazy(() => import("@/pages/CheckoutPage"));
const TransactionsPage = lazy(() => import("@/pages/TransactionsPage"));
const TransactionDetailPage = lazy(() => import("@/pages/TransactionDetailPage"));
const MessagesPage = lazy(() => import("@/pages/MessagesPage"));
const ConversationPage = lazy(() => import("@/pages/ConversationPage"));
const ReportsPage = lazy(() => import("@/pages/ReportsPage"));
const MethodologyPage = lazy(() => import("@/pages/MethodologyPage"));
const PassportPage = lazy(() => import("@/pages/PassportPage"));
const DashboardPage = lazy(() => import("@/pages/DashboardPage"));
const AccountPage = lazy(() => import("@/pages/AccountPage"));
const SandboxThreeDSPage = lazy(() => import("@/pages/SandboxThreeDSPage"));
const SandboxOnboardingPage = lazy(() => import("@/pages/SandboxOnboardingPage"));
const ShippingSettingsPage = lazy(() => import("@/pages/ShippingSettingsPage"));
const NotificationsPage = lazy(() => import("@/pages/NotificationsPage"));
const CompanyPage = lazy(() => import("@/pages/CompanyPage"));
const CertificatesPage = lazy(() => import("@/pages/CertificatesPage"));
const AdminHomePage = lazy(() => import("@/pages/admin/AdminHomePage"));
const CertificatesQueuePage = lazy(() => import("@/pages/admin/CertificatesQueuePage"));
const AuditPage = lazy(() => import("@/pages/admin/AuditPage"));
const DisputesQueuePage = lazy(() => import("@/pages/admin/DisputesQueuePage"));
const DisputePage = lazy(() => import("@/pages/admin/DisputePage"));
const OffersPage = lazy(() => import("@/pages/OffersPage"));
const OfferPage = lazy(() => import("@/pages/OfferPage"));
const PayoutsPage = lazy(() => import("@/pages/PayoutsPage"));
const PartyDisputePage = lazy(() => import("@/pages/DisputePage"));
const VerificationsPage = lazy(() => import("@/pages/admin/VerificationsPage"));
const AdminUserPage = lazy(() => import("@/pages/admin/AdminUserPage"));
const ReportsQueuePage = lazy(() => import("@/pages/admin/ReportsQueuePage"));
const AdminMaterialPage = lazy(() => import("@/pages/admin/AdminMaterialPage"));
const StatsPage = lazy(() => import("@/pages/admin/StatsPage"));

function Root() {
  return (
    <AuthProvider>
      <ScrollRestoration />
      <Outlet />
    </AuthProvider>
  );
}

const protect = (el: ReactNode) => <RequireAuth>{el}</RequireAuth>;

export const router = createBrowserRouter([
  {
    element: <Root />,
    errorElement: <ErrorPage />,
    children: [
      {
        element: <AppLayout />,
        children: [
          { index: true, element: <LandingPage /> },
          { path: "login", element: <LoginPage /> },
          { path: "register", element: <RegisterPage /> },
          { path: "materials", element: <MaterialsPage /> },
          { path: "materials/new", element: protect(<MaterialNewPage />) },
          { path: "materials/:id", element: <MaterialDetailPage /> },
          { path: "sellers/:id", element: <StorefrontPage /> },
          { path: "materials/:id/edit", element: protect(<MaterialEditPage />) },
          { path: "checkout/:materialId", element: protect(<CheckoutPage />) },
          { path: "transactions", element: protect(<TransactionsPage />) },
          { path: "transactions/:id", element: protect(<TransactionDetailPage />) },
          { path: "messages", element: protect(<MessagesPage />) },
          { path: "messages/:userId", element: protect(<ConversationPage />) },
          { path: "reports", element: protect(<ReportsPage />) },
          { path: "methodology", element: <MethodologyPage /> },
          { path: "passport/:materialId", element: <PassportPage /> },
          { path: "dashboard", element: protect(<DashboardPage />) },
          { path: "account", element: protect(<AccountPage />) },
          { path: "sandbox/3ds/:paymentId", element: protect(<SandboxThreeDSPage />) },
          { path: "sandbox/onboarding", element: protect(<SandboxOnboardingPage />) },
          { path: "account/shipping", element: protect(<ShippingSettingsPage />) },
          { path: "notifications", element: protect(<NotificationsPage />) },
          { path: "account/company", element: protect(<CompanyPage />) },
          { path: "account/certificates", element: protect(<CertificatesPage />) },
          {
            path: "admin",
            element: (
              <RequireAdmin>
                <AdminLayout />
              </RequireAdmin>
            ),
            children: [
              { index: true, element: <AdminHomePage /> },
              { path: "verifications", element: <VerificationsPage /> },
              { path: "users/:id", element: <AdminUserPage /> },
              { path: "reports", element: <ReportsQueuePage /> },
              { path: "materials/:id", element: <AdminMaterialPage /> },
              { path: "certificates", element: <CertificatesQueuePage /> },
              { path: "stats", element: <StatsPage /> },
              { path: "disputes", element: <DisputesQueuePage /> },
              { path: "disputes/:id", element: <DisputePage /> },
              { path: "audit", element: <AuditPage /> },
              { path: "*", element: <NotFoundPage /> },
            ],
          },
          { path: "offers", element: protect(<OffersPage />) },
          { path: "offers/:id", element: protect(<OfferPage />) },
          { path: "payouts", element: protect(<PayoutsPage />) },
          { path: "disputes/:id", element: protect(<PartyDisputePage />) },
          { path: "*", element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);

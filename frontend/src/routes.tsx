import { type ComponentType, isValidElement, lazy, type ReactNode } from "react";
import { createBrowserRouter, matchRoutes, Outlet, ScrollRestoration } from "react-router";
import { AuthProvider } from "@/components/auth/AuthProvider";
import { RequireAdmin } from "@/components/auth/RequireAdmin";
import { RequireAuth } from "@/components/auth/RequireAuth";
import { AdminLayout } from "@/components/admin/AdminLayout";
import { AppLayout } from "@/components/layout/AppLayout";
import ErrorPage from "@/pages/ErrorPage";

type PageModule = { default: ComponentType };

/** React.lazy whose module can be loaded ahead (`preload`): once it is loaded, React renders
 * the page at once (a thenable that resolves synchronously) instead of suspending into the
 * Suspense fallback for a frame, which would replace the server's first paint with a
 * placeholder before the page. */
function page(load: () => Promise<PageModule>) {
  let loaded: PageModule | undefined;
  const preload = () => load().then((module) => (loaded = module));
  const Page = lazy(() => (loaded ? ({ then: (resolve: (m: PageModule) => void) => resolve(loaded!) } as unknown as Promise<PageModule>) : preload()));
  return Object.assign(Page, { preload });
}

const LandingPage = page(() => import("@/pages/LandingPage"));
const LoginPage = page(() => import("@/pages/LoginPage"));
const RegisterPage = page(() => import("@/pages/RegisterPage"));
const NotFoundPage = page(() => import("@/pages/NotFoundPage"));
const MaterialsPage = page(() => import("@/pages/MaterialsPage"));
const MaterialDetailPage = page(() => import("@/pages/MaterialDetailPage"));
const StorefrontPage = page(() => import("@/pages/StorefrontPage"));
const MaterialNewPage = page(() => import("@/pages/MaterialNewPage"));
const MaterialEditPage = page(() => import("@/pages/MaterialEditPage"));
const CheckoutPage = page(() => import("@/pages/CheckoutPage"));
const TransactionsPage = page(() => import("@/pages/TransactionsPage"));
const TransactionDetailPage = page(() => import("@/pages/TransactionDetailPage"));
const MessagesPage = page(() => import("@/pages/MessagesPage"));
const ConversationPage = page(() => import("@/pages/ConversationPage"));
const ReportsPage = page(() => import("@/pages/ReportsPage"));
const MethodologyPage = page(() => import("@/pages/MethodologyPage"));
const PassportPage = page(() => import("@/pages/PassportPage"));
const DashboardPage = page(() => import("@/pages/DashboardPage"));
const AccountPage = page(() => import("@/pages/AccountPage"));
const SandboxThreeDSPage = page(() => import("@/pages/SandboxThreeDSPage"));
const SandboxOnboardingPage = page(() => import("@/pages/SandboxOnboardingPage"));
const ShippingSettingsPage = page(() => import("@/pages/ShippingSettingsPage"));
const NotificationsPage = page(() => import("@/pages/NotificationsPage"));
const CompanyPage = page(() => import("@/pages/CompanyPage"));
const CertificatesPage = page(() => import("@/pages/CertificatesPage"));
const AdminHomePage = page(() => import("@/pages/admin/AdminHomePage"));
const CertificatesQueuePage = page(() => import("@/pages/admin/CertificatesQueuePage"));
const AuditPage = page(() => import("@/pages/admin/AuditPage"));
const DisputesQueuePage = page(() => import("@/pages/admin/DisputesQueuePage"));
const DisputePage = page(() => import("@/pages/admin/DisputePage"));
const OffersPage = page(() => import("@/pages/OffersPage"));
const OfferPage = page(() => import("@/pages/OfferPage"));
const PayoutsPage = page(() => import("@/pages/PayoutsPage"));
const PartyDisputePage = page(() => import("@/pages/DisputePage"));
const VerificationsPage = page(() => import("@/pages/admin/VerificationsPage"));
const AdminUserPage = page(() => import("@/pages/admin/AdminUserPage"));
const ReportsQueuePage = page(() => import("@/pages/admin/ReportsQueuePage"));
const AdminMaterialPage = page(() => import("@/pages/admin/AdminMaterialPage"));
const StatsPage = page(() => import("@/pages/admin/StatsPage"));

function Root() {
  return (
    <AuthProvider>
      <ScrollRestoration />
      <Outlet />
    </AuthProvider>
  );
}

/** Loads the code of the page at `pathname` (its own route's page, not a protected one's), so
 * that the first render shows it rather than the route's fallback. */
export async function preloadPage(pathname: string): Promise<void> {
  const element = matchRoutes(router.routes, pathname)?.at(-1)?.route.element;
  const type: unknown = isValidElement(element) ? element.type : undefined;
  if (type && typeof type === "object" && "preload" in type && typeof type.preload === "function") {
    await (type.preload as () => Promise<unknown>)();
  }
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

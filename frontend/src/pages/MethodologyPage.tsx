import { Methodology } from "@/components/reports/Methodology";
import { Card, CardBody, CardHeader, PageHeader, PageSkeleton, QueryState } from "@/components/ui";
import { useMethodology } from "@/hooks/reports";
import { usePageTitle } from "@/lib/usePageTitle";

export default function MethodologyPage() {
  const methodology = useMethodology();
  usePageTitle("How the impact figures are made");
  return (
    <div className="space-y-6">
      <PageHeader
        title="How the impact figures are made"
        description="Every figure on a passport or a report comes from this method: the seller's own footprint where they declared one, else the average for the material from sourced reference factors. Material without a factor gets no figure rather than a zero."
      />
      <QueryState query={methodology} loading={<PageSkeleton label="Loading the method" />} errorTitle="Could not load the method">
        {(m) => (
          <Card>
            <CardHeader title="Method, standards and factors" description="Each factor keeps its sources." />
            <CardBody>
              <Methodology methodology={m} />
            </CardBody>
          </Card>
        )}
      </QueryState>
    </div>
  );
}

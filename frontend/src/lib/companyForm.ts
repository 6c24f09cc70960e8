/** The company details form: its state, checks and request body. */
import { countryName } from "./format";
import type { Company, CompanyBody } from "./types";
import { validateLength, type Errors } from "./validation";
import { validateVat } from "./vat";

export interface CompanyForm {
  legal_name: string;
  registration_number: string;
  vat_number: string;
  country: string;
  address: string;
}

export function companyForm(c: Company | null | undefined): CompanyForm {
  return {
    legal_name: c?.legal_name ?? "",
    registration_number: c?.registration_number ?? "",
    vat_number: c?.vat_number ?? "",
    country: c?.country ?? "",
    address: c?.address ?? "",
  };
}

export function validateCompanyForm(f: CompanyForm): Errors {
  const e: Errors = {};
  const check = (k: keyof CompanyForm, problem: string | null) => {
    if (problem) e[k] = problem;
  };
  check("legal_name", validateLength(f.legal_name, 2, 200, "Legal name"));
  check("registration_number", validateLength(f.registration_number, 1, 50, "Registration number"));
  if (!f.country) e.country = "Country is required.";
  else check("vat_number", validateVat(f.vat_number, f.country, countryName(f.country)));
  check("address", validateLength(f.address, 5, 500, "Address"));
  return e;
}

export function companyBody(f: CompanyForm): CompanyBody {
  const vat = f.vat_number.trim();
  return {
    legal_name: f.legal_name.trim(),
    registration_number: f.registration_number.trim(),
    vat_number: vat ? vat : null,
    country: f.country,
    address: f.address.trim(),
  };
}

#include "demo/sample_data.h"

#include <fmt/format.h>

#include <array>

#include "events/time.h"

namespace jejak::demo {
namespace {

template <size_t N>
const char* Pick(const std::array<const char*, N>& list, std::mt19937_64& rng) {
  return list[std::uniform_int_distribution<size_t>(0, N - 1)(rng)];
}

std::string Digits(std::mt19937_64& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s += static_cast<char>('0' + rng() % 10);
  return s;
}

constexpr std::array kFirst = {"Siti",  "Budi",  "Dewi",   "Agus",    "Rina", "Andi",
                               "Wahyu", "Putri", "Joko",   "Lestari", "Made", "Nur",
                               "Fajar", "Ayu",   "Hendra", "Yuni"};
constexpr std::array kLast = {"Aminah", "Santoso", "Lestari", "Saputra", "Wijaya",    "Hidayat",
                              "Kusuma", "Pratama", "Suryani", "Nugroho", "Rahmawati", "Siregar"};
constexpr std::array kStreets = {"Jl. Braga",          "Jl. Asia Afrika", "Jl. Dago",
                                 "Jl. Merdeka",        "Jl. Cihampelas",  "Jl. Riau",
                                 "Jl. Soekarno-Hatta", "Jl. Pasteur"};
constexpr std::array kBusinesses = {"Kopi Aroma",
                                    "Warung Nasi Bu Imas",
                                    "Bengkel Maju Jaya",
                                    "Toko Kain Sumber Rejeki",
                                    "Laundry Bersih Wangi",
                                    "CV Karya Mandiri",
                                    "Katering Sehat Sentosa"};
constexpr std::array kComplaints = {"Jalan berlubang di depan sekolah belum diperbaiki",
                                    "Lampu penerangan jalan mati sejak dua minggu",
                                    "Antrean pembuatan KTP elektronik sangat panjang",
                                    "Sampah menumpuk di pinggir sungai dan menimbulkan bau",
                                    "Pungutan liar saat mengurus surat keterangan",
                                    "Saluran air tersumbat sehingga banjir saat hujan"};
constexpr std::array kReasons = {
    "Dokumen pendukung belum lengkap",     "Data pada formulir tidak sesuai dengan dokumen",
    "Perlu pemeriksaan lapangan tambahan", "Tidak sesuai dengan rencana tata ruang",
    "Pemohon meminta perubahan data",      "Tindak lanjut belum menjawab laporan"};

// Values for the example workflows' fields whose rules a generic value
// would break (patterns, ranges that must agree with a guard).
std::string DaysAgo(int64_t today_days, int64_t days) {
  return events::FormatDate(today_days - days);
}

std::optional<std::string> Known(const workflow::FieldSpec& spec, std::mt19937_64& rng,
                                 int64_t today_days) {
  const std::string& n = spec.name;
  if (n == "nilai_investasi") return fmt::format("{}", (rng() % 900 + 10) * 1'000'000);
  // Mostly long enough ago for a change of facility (3 months), sometimes not.
  if (n == "terdaftar_sejak") return DaysAgo(today_days, static_cast<int64_t>(rng() % 720));
  // Mostly within the 3 months an objection may be filed in, sometimes late.
  if (n == "tanggal_skp_dikirim") return DaysAgo(today_days, static_cast<int64_t>(rng() % 110));
  if (n == "tanggal_diterima") return DaysAgo(today_days, 0);
  if (spec.kind != workflow::FieldKind::kString) return std::nullopt;
  if (n == "nomor_kartu") return "000" + Digits(rng, 10);
  if (n == "npwp") return Digits(rng, 16);
  if (n.rfind("fktp_", 0) == 0) {
    return Pick(std::array{"Puskesmas Sukajadi", "Puskesmas Cibeunying", "Klinik Pratama Medika",
                           "Dokter Praktik Perorangan dr. Rina", "Puskesmas Babakan Sari"},
                rng);
  }
  if (n == "nik") return SampleNik(rng);
  if (n == "kbli")
    return fmt::format("{}", Pick(std::array{"56101", "56303", "47111", "96011", "10710"}, rng));
  if (n == "nib") return Digits(rng, 13);
  if (n == "nomor_izin") return Digits(rng, 13) + "-" + Digits(rng, 5);
  if (n == "nomor_hp") return "08" + Digits(rng, 10);
  if (n == "koordinat") return fmt::format("-6.{}, 107.{}", Digits(rng, 4), Digits(rng, 4));
  if (n.find("nama_usaha") != std::string::npos) return Pick(kBusinesses, rng);
  if (n.find("nama") != std::string::npos) return SampleName(rng);
  if (n.find("alamat") != std::string::npos || n.find("lokasi") != std::string::npos) {
    return fmt::format("{} No. {}, Bandung", Pick(kStreets, rng), rng() % 200 + 1);
  }
  if (n == "judul") return Pick(kComplaints, rng);
  if (n.rfind("isi_", 0) == 0) {
    return fmt::format("{}. Mohon segera ditindaklanjuti oleh instansi terkait.",
                       Pick(kComplaints, rng));
  }
  return std::nullopt;
}

}  // namespace

std::string SampleNik(std::mt19937_64& rng) { return "327301" + Digits(rng, 10); }
std::string SampleNip(std::mt19937_64& rng) { return "19" + Digits(rng, 16); }

std::string SampleName(std::mt19937_64& rng) {
  return fmt::format("{} {}", Pick(kFirst, rng), Pick(kLast, rng));
}

std::string SampleReason(std::mt19937_64& rng) { return Pick(kReasons, rng); }

std::string SampleValue(const workflow::FieldSpec& spec, std::mt19937_64& rng, int64_t today_days) {
  using workflow::FieldKind;
  if (auto v = Known(spec, rng, today_days)) return *v;
  auto bound = [](const std::optional<std::string>& b, double fallback) {
    return b ? std::stod(*b) : fallback;
  };
  switch (spec.kind) {
    case FieldKind::kEnum:
      return spec.values[std::uniform_int_distribution<size_t>(0, spec.values.size() - 1)(rng)];
    case FieldKind::kBoolean:
      return rng() % 4 != 0 ? "true" : "false";
    case FieldKind::kInteger: {  // mostly small: floors, employees, ratings
      auto lo = static_cast<int64_t>(bound(spec.min, 1)),
           hi = static_cast<int64_t>(bound(spec.max, 1e9));
      auto extra = static_cast<int64_t>(std::exponential_distribution<double>(1.0 / 3)(rng));
      return std::to_string(std::min(hi, lo + extra));
    }
    case FieldKind::kDecimal: {
      double lo = bound(spec.min, 0), hi = bound(spec.max, lo + 5e8);
      if (rng() % 5 == 0) return fmt::format("{:.0f}", lo);  // fees waived, nothing owed
      return fmt::format("{:.0f}",
                         std::uniform_real_distribution<double>(lo, std::max(lo, hi))(rng));
    }
    case FieldKind::kDate:
      return DaysAgo(today_days, static_cast<int64_t>(rng() % 30));
    case FieldKind::kString:
      break;
  }
  std::string text = SampleReason(rng);
  size_t min = spec.min ? std::stoul(*spec.min) : 0;
  while (text.size() < min) text.append(" ").append(SampleReason(rng));
  if (spec.max) text.resize(std::min<size_t>(text.size(), std::stoul(*spec.max)));
  return text;
}

}  // namespace jejak::demo
